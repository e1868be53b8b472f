// A local HTTP server that plays the GitHub REST and GraphQL endpoints perfgate uses, so
// the real Octokit client does real HTTP. Faults are scripted per request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeComment {
  id: number
  body: string
  /** `type` as GitHub gives it: 'User' (the default) or 'Bot'. */
  user: { login: string; type?: 'User' | 'Bot' }
  /** ISO 8601; default a fixed time in 2026 plus the comment's id in seconds. */
  created_at?: string
}

/** A collaborator's role (GET /repos/o/r/collaborators/{user}/permission). */
export type FakeRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read'

export interface FakeIssue {
  number: number
  title: string
  body: string
  user: { login: string }
}

/** A check run as the fake keeps it: annotations accumulate over updates, as on GitHub. */
export interface FakeCheckRun {
  id: number
  name: string
  head_sha: string
  status: string
  conclusion: string | null
  started_at?: string
  completed_at?: string
  details_url?: string
  output: { title?: string; summary?: string; text?: string }
  annotations: FakeAnnotation[]
  /** Requests that changed it (POST then each PATCH). */
  writes: number
}

export interface FakeAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: string
  message: string
  title?: string
}

export interface Fault {
  /** Matches "METHOD /path" (path without query). */
  match: RegExp
  /** The answer's status (ignored by 'hang'). */
  status?: number
  headers?: Record<string, string>
  /** The answer's `message` (default "scripted <status>"). */
  message?: string
  /** How many matching requests to answer normally before failing (default 0). */
  skip?: number
  /** How many times to fail before answering normally (default 1). */
  times?: number
  /**
   * 'instead' (default): answer with the fault, do nothing; 'after': do the request (create
   * the comment), then answer with the fault; 'hang': never answer (until stop).
   */
  when?: 'instead' | 'after' | 'hang'
}

export class FakeGitHub {
  comments: FakeComment[] = []
  /** Issues of the repository (GET/POST /repos/o/r/issues, PATCH /repos/o/r/issues/N). */
  issues: FakeIssue[] = []
  requests: string[] = []
  /** The Authorization header of each request, in order (undefined when none was sent). */
  authorizations: (string | undefined)[] = []
  faults: Fault[] = []
  viewer: string | undefined = 'github-actions[bot]'
  /** GraphQL's error message when there is no viewer (an answer of 200 with `errors`). */
  viewerError = 'Resource not accessible by integration'
  /** Check runs (POST/PATCH/GET /repos/o/r/check-runs[/N]). */
  checkRuns: FakeCheckRun[] = []
  /** Head commit per pull request number (GET /repos/o/r/pulls/N). */
  pulls = new Map<number, string>()
  /** Role per login; a login not in it is unknown to GitHub (404). */
  roles = new Map<string, FakeRole>()
  /** Pull requests per commit (GET /repos/o/r/commits/{sha}/pulls); unknown sha: 422. */
  commitPulls = new Map<string, { number: number; merged_at: string | null }[]>()
  private server: Server | undefined
  private nextId = 1000
  private held = new Set<ServerResponse>()

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy()
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }

  /** Requests received so far that match, e.g. /^POST .*\/comments$/. */
  count(match: RegExp): number {
    return this.requests.filter((r) => match.test(r)).length
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined
    const url = new URL(req.url!, 'http://x')
    const key = `${req.method} ${url.pathname}`
    this.requests.push(key)
    this.authorizations.push(req.headers.authorization)
    const fault = this.faults.find((f) => {
      if (!f.match.test(key) || (f.times ?? 1) <= 0) return false
      if ((f.skip ?? 0) <= 0) return true
      f.skip!--
      return false
    })
    if (fault) fault.times = (fault.times ?? 1) - 1
    if (fault?.when === 'hang') {
      this.held.add(res)
      return
    }
    const faulty = () => {
      const status = fault!.status ?? 500
      res
        .writeHead(status, { 'content-type': 'application/json', ...fault!.headers })
        .end(JSON.stringify({ message: fault!.message ?? `scripted ${status}` }))
    }
    if (fault && fault.when !== 'after') return faulty()
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      if (fault) return faulty()
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(JSON.stringify(data))
    }
    let m: RegExpMatchArray | null
    if (key === 'POST /graphql') {
      if (!this.viewer)
        return send(200, {
          data: null,
          errors: [{ message: this.viewerError }]
        })
      return send(200, { data: { viewer: { login: this.viewer } } })
    }
    if ((m = key.match(/^GET \/repos\/[^/]+\/[^/]+\/pulls\/(\d+)$/))) {
      const sha = this.pulls.get(Number(m[1]))
      if (!sha) return send(404, { message: 'Not Found' })
      return send(200, { number: Number(m[1]), head: { sha } })
    }
    if ((m = key.match(/^GET \/repos\/[^/]+\/[^/]+\/collaborators\/([^/]+)\/permission$/))) {
      const login = decodeURIComponent(m[1]!)
      const role = this.roles.get(login)
      if (!role) return send(404, { message: 'Not Found' })
      // GitHub's `permission` is the base level: maintain reads as write, triage as read.
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role
      return send(200, { permission, role_name: role, user: { login } })
    }
    if ((m = key.match(/^GET \/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/))) {
      const pulls = this.commitPulls.get(m[1]!)
      if (!pulls) return send(422, { message: `No commit found for SHA: ${m[1]}` })
      return send(200, pulls)
    }
    if ((m = key.match(/^GET \/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      // Pages are linked as GitHub does (Octokit's paginate follows rel="next").
      const next = new URL(url.pathname, `http://${req.headers.host}`)
      next.searchParams.set('per_page', String(perPage))
      next.searchParams.set('page', String(page + 1))
      const more = page * perPage < this.comments.length
      return send(
        200,
        this.comments.slice((page - 1) * perPage, page * perPage).map((c) => this.view(c)),
        more ? { link: `<${next.href}>; rel="next"` } : {}
      )
    }
    if ((m = key.match(/^POST \/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/))) {
      const comment = {
        id: this.nextId++,
        body: body.body as string,
        user: { login: this.viewer ?? 'github-actions[bot]' }
      }
      this.comments.push(comment)
      return send(201, this.view(comment))
    }
    if ((m = key.match(/^PATCH \/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]))
      if (!comment) return send(404, { message: 'Not Found' })
      comment.body = body.body as string
      return send(200, this.view(comment))
    }
    if (key.match(/^GET \/repos\/[^/]+\/[^/]+\/issues$/)) {
      const creator = url.searchParams.get('creator')
      const perPage = Number(url.searchParams.get('per_page') ?? 30)
      const page = Number(url.searchParams.get('page') ?? 1)
      const mine = this.issues.filter((i) => !creator || i.user.login === creator)
      const next = new URL(url.pathname, `http://${req.headers.host}`)
      for (const [k, v] of url.searchParams) next.searchParams.set(k, v)
      next.searchParams.set('page', String(page + 1))
      const more = page * perPage < mine.length
      return send(
        200,
        mine.slice((page - 1) * perPage, page * perPage).map((i) => this.viewIssue(i)),
        more ? { link: `<${next.href}>; rel="next"` } : {}
      )
    }
    if (key.match(/^POST \/repos\/[^/]+\/[^/]+\/issues$/)) {
      const issue = {
        number: this.issues.length + 1,
        title: body.title as string,
        body: body.body as string,
        user: { login: this.viewer ?? 'github-actions[bot]' }
      }
      this.issues.push(issue)
      return send(201, this.viewIssue(issue))
    }
    if ((m = key.match(/^PATCH \/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/))) {
      const issue = this.issues.find((i) => i.number === Number(m![1]))
      if (!issue) return send(404, { message: 'Not Found' })
      if (typeof body.title === 'string') issue.title = body.title
      if (typeof body.body === 'string') issue.body = body.body
      return send(200, this.viewIssue(issue))
    }
    if (key.match(/^POST \/repos\/[^/]+\/[^/]+\/check-runs$/)) {
      const invalid = this.invalidCheckRun(body, true)
      if (invalid) return send(422, { message: invalid })
      const run: FakeCheckRun = {
        id: this.nextId++,
        name: body.name,
        head_sha: body.head_sha,
        status: body.status ?? 'queued',
        conclusion: null,
        started_at: body.started_at,
        details_url: body.details_url,
        output: {},
        annotations: [],
        writes: 0
      }
      this.checkRuns.push(run)
      this.applyCheckRun(run, body)
      return send(201, this.viewCheckRun(run))
    }
    if ((m = key.match(/^(PATCH|GET) \/repos\/[^/]+\/[^/]+\/check-runs\/(\d+)$/))) {
      const run = this.checkRuns.find((r) => r.id === Number(m![2]))
      if (!run) return send(404, { message: 'Not Found' })
      if (m[1] === 'PATCH') {
        const invalid = this.invalidCheckRun(body, false)
        if (invalid) return send(422, { message: invalid })
        this.applyCheckRun(run, body)
      }
      return send(200, this.viewCheckRun(run))
    }
    send(404, { message: `fake GitHub has no ${key}` })
  }

  /** What GitHub refuses with 422 in a check run's create or update, or undefined. */
  private invalidCheckRun(body: Record<string, unknown> | undefined, create: boolean) {
    if (!body) return 'Invalid request: no body'
    if (create && typeof body.name !== 'string') return 'Invalid request: "name" is required'
    if (create && typeof body.head_sha !== 'string')
      return 'Invalid request: "head_sha" is required'
    if (body.status === 'completed' && typeof body.conclusion !== 'string')
      return 'Invalid request: "conclusion" is required when status is completed'
    const output = body.output as Record<string, unknown> | undefined
    if (!output) return undefined
    if (typeof output.title !== 'string' || typeof output.summary !== 'string')
      return 'Invalid request: output needs "title" and "summary"'
    for (const field of ['summary', 'text'] as const) {
      const text = output[field]
      if (typeof text === 'string' && text.length > 65535)
        return `Invalid request: output.${field} is longer than 65535 characters`
    }
    const annotations = (output.annotations ?? []) as Partial<FakeAnnotation>[]
    if (annotations.length > 50) return 'Invalid request: at most 50 annotations per request'
    for (const a of annotations) {
      if (
        typeof a.path !== 'string' ||
        typeof a.start_line !== 'number' ||
        typeof a.end_line !== 'number' ||
        typeof a.message !== 'string' ||
        !['notice', 'warning', 'failure'].includes(a.annotation_level ?? '')
      )
        return 'Invalid request: an annotation needs path, start_line, end_line, annotation_level and message'
    }
    return undefined
  }

  private applyCheckRun(run: FakeCheckRun, body: Record<string, unknown>): void {
    run.writes++
    if (typeof body.status === 'string') run.status = body.status
    if (typeof body.conclusion === 'string') {
      run.conclusion = body.conclusion
      run.status = 'completed'
    }
    if (typeof body.completed_at === 'string') run.completed_at = body.completed_at
    const output = body.output as
      { title: string; summary: string; text?: string; annotations?: FakeAnnotation[] } | undefined
    if (!output) return
    run.output = {
      title: output.title,
      summary: output.summary,
      ...(output.text === undefined ? {} : { text: output.text })
    }
    run.annotations.push(...(output.annotations ?? []))
  }

  private viewCheckRun(run: FakeCheckRun) {
    const { annotations, writes: _writes, ...rest } = run
    return {
      ...rest,
      output: { ...run.output, annotations_count: annotations.length },
      html_url: `https://github.invalid/o/r/runs/${run.id}`
    }
  }

  private viewIssue(i: FakeIssue) {
    return { ...i, html_url: `https://github.invalid/o/r/issues/${i.number}` }
  }

  private view(c: FakeComment) {
    return {
      ...c,
      user: { type: 'User', ...c.user },
      created_at: c.created_at ?? new Date(Date.UTC(2026, 0, 1) + c.id * 1000).toISOString(),
      html_url: `https://github.invalid/o/r/pull/1#issuecomment-${c.id}`
    }
  }
}
