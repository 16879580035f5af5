using MiniDocker.Interop;
using MiniDocker.Namespaces;

namespace MiniDocker.Execution;

/// <summary>
/// clone(2) into new namespaces; the child becomes a child of the host (CLONE_PARENT) and stage-0
/// exits. With <paramref name="CgroupFd"/> (cgroup v2) it is clone3(2) with CLONE_INTO_CGROUP.
/// </summary>
internal sealed record CloneStep(IReadOnlyList<NamespaceType> Namespaces, int? CgroupFd = null, string? CgroupPath = null) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Clone;

    public ulong Flags => Namespaces.Aggregate(0UL, (flags, ns) => flags | ns.CloneFlag());

    public override string Describe()
    {
        var flags = string.Join('|', ["CLONE_PARENT", .. Namespaces.Select(ns => "CLONE_NEW" + ns.CloneName())]);
        return CgroupFd is { } fd
            ? $"clone3({{flags: {flags}|CLONE_INTO_CGROUP, cgroup: fd {fd} = {CgroupPath}}})"
            : $"clone({flags}|SIGCHLD)";
    }

    public override void WritePayload(PlanWriter writer)
    {
        writer.U64(Flags);
        writer.U32(CgroupFd is { } fd ? (uint)fd : uint.MaxValue);
    }
}

/// <summary>unshare(2) after the host's setup: the cgroup namespace must be made once the process is in its cgroup.</summary>
internal sealed record UnshareStep(IReadOnlyList<NamespaceType> Namespaces) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Unshare;

    public override string Describe() => $"unshare({string.Join('|', Namespaces.Select(ns => "CLONE_NEW" + ns.CloneName()))})";

    public override void WritePayload(PlanWriter writer) => writer.U64(Namespaces.Aggregate(0UL, (flags, ns) => flags | ns.CloneFlag()));
}

/// <summary>Blocks until the host has done the setup that must come from outside (maps, cgroup, network) and says go.</summary>
internal sealed record WaitForHostStep : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.WaitForHost;

    public override string Describe() => "read(sync_fd) — wait for the host's \"go\" (it joins the cgroup, writes id maps, moves network links in)";

    public override void WritePayload(PlanWriter writer)
    {
    }
}

/// <summary>setresgid(0)/setresuid(0) once the host has written the maps: the child becomes the user namespace's root.</summary>
internal sealed record BecomeNamespaceRootStep : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetCredentials;

    public override string Describe() => "setgroups([]), setresgid(0, 0, 0), setresuid(0, 0, 0) — root of the new user namespace";

    public override void WritePayload(PlanWriter writer)
    {
        writer.U32(0);
        writer.U32(0);
        writer.U32(0);
        writer.U32(0);
    }

    protected override string Advice(int errno) => errno == Errno.EINVAL
        ? " Container uid or gid 0 is not in the user namespace's map."
        : "";
}

/// <summary>Brings up "lo" in a new network namespace, as every container runtime does.</summary>
internal sealed record LoopbackUpStep : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.LoopbackUp;

    public override string Describe() => "socket(AF_INET, SOCK_DGRAM), ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP)";

    public override void WritePayload(PlanWriter writer)
    {
    }
}

/// <summary>setns(2) into an existing namespace passed as an fd.</summary>
internal sealed record JoinNamespaceStep(int Fd, NamespaceType Type, string Source) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.JoinNamespace;

    public override string Describe() => $"setns(fd {Fd} = {Source}, CLONE_NEW{Type.CloneName()})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.U32((uint)Fd);
        writer.U32((uint)Type.CloneFlag());
    }

    protected override string Advice(int errno) => errno == Errno.EINVAL
        ? " The namespace file may belong to a process that has exited."
        : "";
}
