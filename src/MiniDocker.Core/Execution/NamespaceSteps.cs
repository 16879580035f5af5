using MiniDocker.Interop;
using MiniDocker.Namespaces;

namespace MiniDocker.Execution;

/// <summary>clone(2) into new namespaces; the child becomes a child of the host (CLONE_PARENT) and stage-0 exits.</summary>
internal sealed record CloneStep(IReadOnlyList<NamespaceType> Namespaces) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Clone;

    public ulong Flags => Namespaces.Aggregate(0UL, (flags, ns) => flags | ns.CloneFlag());

    public override string Describe() =>
        $"clone({string.Join('|', ["CLONE_PARENT", .. Namespaces.Select(ns => "CLONE_NEW" + CloneName(ns)), "SIGCHLD"])})";

    public override void WritePayload(PlanWriter writer) => writer.U64(Flags);

    private static string CloneName(NamespaceType ns) => ns switch
    {
        NamespaceType.Mount => "NS",
        NamespaceType.Network => "NET",
        _ => ns.ProcFileName().ToUpperInvariant(),
    };
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

    public override string Describe() => $"setns(fd {Fd} = {Source}, CLONE_NEW{(Type == NamespaceType.Mount ? "NS" : Type.ProcFileName().ToUpperInvariant())})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.U32((uint)Fd);
        writer.U32((uint)Type.CloneFlag());
    }

    protected override string Advice(int errno) => errno == Errno.EINVAL
        ? " The namespace file may belong to a process that has exited."
        : "";
}
