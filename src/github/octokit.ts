/** The real CommentsApi: Octokit from @actions/github (honours GITHUB_API_URL). */
import { getOctokit } from '@actions/github'
import type { CommentsApi } from './comment.js'

export interface IssueRef {
  readonly owner: string
  readonly repo: string
  readonly issueNumber: number
}

/**
 * @param baseUrl the REST API root; default GITHUB_API_URL, read at call time (the
 *   @actions/github default is read once, when the module loads)
 */
export function createCommentsApi(
  token: string,
  issue: IssueRef,
  baseUrl = process.env.GITHUB_API_URL
): CommentsApi {
  const octokit = getOctokit(token, baseUrl ? { baseUrl } : {})
  const { owner, repo, issueNumber } = issue
  return {
    async listComments(page) {
      const response = await octokit.rest.issues.listComments({
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
        page
      })
      return response.data.map((c) => ({
        id: c.id,
        body: c.body,
        user: c.user ? { login: c.user.login } : null
      }))
    },
    async createComment(body) {
      const response = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body
      })
      return { id: response.data.id, html_url: response.data.html_url }
    },
    async updateComment(id, body) {
      const response = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: id,
        body
      })
      return { id: response.data.id, html_url: response.data.html_url }
    },
    async pullHeadSha() {
      const response = await octokit.rest.pulls.get({ owner, repo, pull_number: issueNumber })
      return response.data.head.sha
    },
    async viewerLogin() {
      const data = await octokit.graphql<{ viewer: { login: string } }>(
        'query { viewer { login } }'
      )
      return data.viewer.login
    }
  }
}
