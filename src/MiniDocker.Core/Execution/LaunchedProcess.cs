using MiniDocker.Interop;

namespace MiniDocker.Execution;

/// <summary>A container process that has executed its program, and the master side of its terminal if it has one.</summary>
internal sealed record LaunchedProcess(ChildProcess Process, SafeFd? TerminalMaster);
