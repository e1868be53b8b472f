// Which CPUs an HTTP trial's load generator and server get: the list syntax and the split,
// and this machine's split (taskset is probed by running it). The trials themselves are in
// runners-http.int.test.ts.
import { spawnSync } from 'node:child_process'
import {
  cpuSplit,
  onServerCpus,
  ownCpuList,
  parseCpuList,
  splitCpus
} from '../src/process/affinity.js'

describe('CPU lists', () => {
  it("reads the kernel's list syntax", () => {
    expect(parseCpuList('0-1')).toEqual([0, 1])
    expect(parseCpuList('0,2-4,7\n')).toEqual([0, 2, 3, 4, 7])
    expect(parseCpuList('3')).toEqual([3])
    expect(parseCpuList('')).toBeUndefined()
    expect(parseCpuList('2-1')).toBeUndefined()
    expect(parseCpuList('0-1,x')).toBeUndefined()
  })

  it('gives the load generator the first CPU and the server the others', () => {
    expect(splitCpus([0, 1], '/usr/bin/taskset')).toEqual({
      loadgen: '0',
      server: '1',
      all: '0,1',
      taskset: '/usr/bin/taskset'
    })
    expect(splitCpus([6, 2, 3, 3], 'taskset')).toMatchObject({
      loadgen: '2',
      server: '3,6',
      all: '2,3,6'
    })
  })

  it('pins nothing with a single CPU', () => {
    expect(splitCpus([5], 'taskset')).toBeUndefined()
  })

  it('starts the server through taskset on its CPUs, or as it is', () => {
    const split = splitCpus([0, 1, 2], '/usr/bin/taskset')
    expect(onServerCpus(split, '/bin/sh', ['-c', 'node server.js'])).toEqual({
      command: '/usr/bin/taskset',
      args: ['-c', '1,2', '/bin/sh', '-c', 'node server.js']
    })
    expect(onServerCpus(undefined, '/bin/sh', ['-c', 'node server.js'])).toEqual({
      command: '/bin/sh',
      args: ['-c', 'node server.js']
    })
  })

  const linuxIt = process.platform === 'linux' ? it : it.skip

  linuxIt('splits the CPUs this process may use, or pins nothing with one', () => {
    const allowed = parseCpuList(ownCpuList()!)!
    const split = cpuSplit()
    const taskset = spawnSync('taskset', ['-c', String(allowed.at(-1)), 'true']).status === 0
    if (allowed.length < 2 || !taskset) {
      expect(split).toBeUndefined()
      return
    }
    expect(split).toMatchObject({ loadgen: String(allowed[0]), all: allowed.join(',') })
    expect(parseCpuList(split!.server)).toEqual(allowed.slice(1))
  })
})
