using MiniDocker.Interop;

namespace MiniDocker.Execution;

/// <summary>A container process that has executed its program, the master side of its terminal if it has one, and its log monitor if it has one.</summary>
internal sealed record LaunchedProcess(ChildProcess Process, SafeFd? TerminalMaster, ChildProcess? Logger = null);
