/**
 * Typed access to the recorded reference values (see make-fixtures.py,
 * make-r-fixtures.R, make-trimmed-fixtures.py and xoshiro-reference.c for how each file
 * was recorded).
 */
import { readFileSync } from 'node:fs'

export interface Point {
  scipy: number
  mpmath: number
}

export interface ScipyReference {
  recorded: Record<string, string>
  distributions: {
    t_cdf: (Point & { t: number; df: number })[]
    t_ppf: (Point & { p: number; df: number })[]
    norm_cdf: (Point & { x: number })[]
    norm_ppf: (Point & { p: number })[]
    erfc: (Point & { x: number })[]
    erf: (Point & { x: number })[]
    gammaln: (Point & { x: number })[]
    betaln: (Point & { a: number; b: number })[]
    betainc: (Point & { x: number; a: number; b: number })[]
  }
  paired: {
    name: string
    base: number[]
    head: number[]
    t: number
    pT: number
    meanLog: number
    sdLog: number
    ciLow: number
    ciHigh: number
    pSignFlip?: number
  }[]
  unpaired: {
    name: string
    x: number[]
    y: number[]
    ties: boolean
    u: number
    pAsymptotic: number
    pExact?: number
  }[]
}

export interface RReference {
  recorded: Record<string, string>
  unpaired: { name: string; estimate: number; ciLow: number; ciHigh: number; pValue: number }[]
  paired: { name: string; t: number; pValue: number; ciLow: number; ciHigh: number }[]
  holm: { p: (number | null)[]; adjusted: (number | null)[] }
}

export interface TrimmedReference {
  recorded: Record<string, string>
  trimmed: {
    name: string
    base: number[]
    head: number[]
    estimate: number
    standardError: number
    df: number
    pValue: number
    intervals: { confidence: number; low: number; high: number }[]
    kept: number
    tScreened: number
    pScreened: number
  }[]
}

export interface XoshiroReference {
  streams: { seed: number; uint32: number[]; double: number[] }[]
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T
}

export const scipyReference = load<ScipyReference>('./scipy-reference.json')
export const rReference = load<RReference>('./r-reference.json')
export const xoshiroReference = load<XoshiroReference>('./xoshiro-reference.json')
export const trimmedReference = load<TrimmedReference>('./trimmed-reference.json')

/** |actual - expected| / |expected|, or |actual| when expected is 0. */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected)
}
