/** The issue collector every normalization step is given: it knows where a field sits. */
import { ConfigError, describeValue, formatFieldPath, type ConfigIssue } from './errors.js'
import type { Parsed } from './units.js'

/** A field of the config: ['benchmarks', 0, 'budgets', 'p95']. */
export type FieldPath = readonly (string | number)[]

/** Line and column (1-based) of a field's value, or of its key when `key` is set. */
export type Locate = (
  field: FieldPath,
  key: boolean
) => { readonly line: number; readonly column: number } | undefined

export class Issues {
  readonly #list: ConfigIssue[] = []

  /**
   * @param file how messages name the config file
   * @param locate positions of fields (without one, issues carry no line and column)
   */
  constructor(
    readonly file: string,
    private readonly locate: Locate = () => undefined
  ) {}

  /** The issue for `field`, at its value (or at its key, for unknown names). */
  make(field: FieldPath, message: string, at?: { readonly key?: boolean }): ConfigIssue {
    const pos = this.locate(field, at?.key ?? false)
    return {
      file: this.file,
      line: pos?.line,
      column: pos?.column,
      field: formatFieldPath(field),
      message
    }
  }

  add(field: FieldPath, message: string, at?: { readonly key?: boolean }): void {
    this.#list.push(this.make(field, message, at))
  }

  /** The parsed value; otherwise records "expected …, got …" and returns `fallback`. */
  unit<T>(parsed: Parsed<T>, field: FieldPath, value: unknown, fallback: T): T {
    if (parsed.ok) return parsed.value
    this.add(field, `expected ${parsed.expected}, got ${describeValue(value)}`)
    return fallback
  }

  get list(): readonly ConfigIssue[] {
    return this.#list
  }

  /** Throws one ConfigError listing every issue recorded, if any. */
  throwIfAny(): void {
    if (this.#list.length > 0) throw new ConfigError(this.#list)
  }
}
