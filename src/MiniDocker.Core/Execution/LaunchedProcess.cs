using MiniDocker.Interop;

namespace MiniDocker.Execution;

/// <summary>
/// A container process that has executed its program, the master side of its terminal if it has
/// one, its log monitor if it has one, and the pid of the stage-0 that stays as its parent if it is monitored.
/// </summary>
internal sealed record LaunchedProcess(ChildProcess Process, SafeFd? TerminalMaster, ChildProcess? Logger = null, int? MonitorPid = null);
