/** `islet doctor`: what this host offers islet, and the fix for what it lacks. */
export { runDoctor, decideCanRun, CHECKS, type DoctorReport } from './run-doctor.js'
export { createHostView, type HostView, type HostViewOptions } from './host-view.js'
export type { CheckResult, CheckStatus, Check } from './check.js'
export { formatJson, formatTable, summaryLine, DOCTOR_JSON_VERSION } from './format.js'
