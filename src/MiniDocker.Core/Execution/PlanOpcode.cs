namespace MiniDocker.Execution;

/// <summary>The instruction set of stage-0; the numbers are the wire format and match stage0.c.</summary>
internal enum PlanOpcode : uint
{
    Clone = 1,
    WaitForHost = 2,
    JoinNamespace = 3,
    SetPropagation = 4,
    BindRootfs = 5,
    Mount = 6,
    BindMount = 7,
    Mknod = 8,
    Symlink = 9,
    Mkdir = 10,
    PivotRoot = 11,
    SetHostname = 12,
    SetDomainname = 13,
    SetRlimit = 14,
    SetupTerminal = 15,
    Chdir = 16,
    SetCredentials = 17,
    NoNewPrivileges = 18,
    Exec = 19,
    Umask = 20,
    LoopbackUp = 21,
    ReadOnlyRoot = 22,
    MaskPath = 23,
    ReadOnlyPath = 24,
    Unshare = 25,
    DropBounding = 26,
    SetCapabilities = 27,
    Seccomp = 28,
}
