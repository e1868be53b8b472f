/**
 * The fork recipe's comment workflow (mode: comment) reads what a measure job left: its
 * results and the pull request's number. That job ran the PR's code, so nothing in the
 * artifact is trusted as is: the number must name a pull request whose head is the commit
 * the measured workflow ran on, and the results are judged again from their trials.
 */
import { readFileSync } from 'node:fs'
import { RefusedError } from '../app/errors.js'
import type { Publisher } from '../app/pr-run.js'
import { RequestError } from '../app/requests.js'
import type { CommentsApi } from './comment.js'

/** The pull request number in `file` (pr-number.txt), or a request error naming the file. */
export function readArtifactPr(file: string): number {
  let text: string
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch (error) {
    throw new RequestError(
      `${file}: cannot read the pull request number (${(error as Error).message}); download the measure job's artifact into output-dir`
    )
  }
  const prNumber = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(prNumber) || prNumber <= 0) {
    throw new RequestError(`${file}: expected a pull request number`)
  }
  return prNumber
}

/**
 * Refuses the run (RefusedError, exit 2) unless pull request `prNumber`'s head is the
 * measured commit. Placed before the outputs and the comment: the outputs of a refused
 * artifact say error, not the artifact's verdict; the report stays in the job summary.
 */
export function artifactTrustCheck(
  api: Pick<CommentsApi, 'pullHeadSha'>,
  prNumber: number,
  measuredSha: string,
  prFile: string
): Publisher {
  return {
    publish: async () => {
      let headSha: string
      try {
        headSha = await api.pullHeadSha()
      } catch (error) {
        throw new RefusedError(`cannot read pull request #${prNumber}: ${(error as Error).message}`)
      }
      if (headSha !== measuredSha) {
        throw new RefusedError(
          `${prFile} names pull request #${prNumber}, whose head is ${headSha.slice(0, 7)}, ` +
            `not the measured commit ${measuredSha.slice(0, 7)}: not commenting`
        )
      }
    }
  }
}
