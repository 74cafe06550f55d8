/** The cgroup layer's public surface: the interface, detection, both backends, naming and the parsers others reuse. */
export type { Cgroup, CgroupLimits, CgroupManager, CgroupStats } from './manager.js'
export { detectCgroupMode, detectCgroups, type CgroupMode, type DetectOptions } from './detect.js'
export { CgroupV1, type V1Hierarchies } from './v1/cgroup-v1.js'
export { CgroupV2 } from './v2/cgroup-v2.js'
export { cgroupName, ISLET_PARENT, isOwnerAlive, parseCgroupName, readStarttime, type ParsedCgroupName } from './naming.js'
export { parseMountInfo, parseMountInfoLine, readMountInfo, unescapeMountField, type MountInfoEntry } from './mountinfo.js'
export { cpuQuotaUsec, parseFlatKeyed, CPU_PERIOD_USEC, CPU_MIN_QUOTA_USEC } from './format.js'
