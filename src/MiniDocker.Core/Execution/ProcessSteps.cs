using MiniDocker.Interop;
using MiniDocker.Security.Capabilities;
using MiniDocker.Security.Landlock;

namespace MiniDocker.Execution;

/// <summary>sethostname(2) in the container's UTS namespace.</summary>
internal sealed record SetHostnameStep(string Name) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetHostname;

    public override string Describe() => $"sethostname({Quote(Name)})";

    public override void WritePayload(PlanWriter writer) => writer.String(Name);
}

/// <summary>setdomainname(2) in the container's UTS namespace.</summary>
internal sealed record SetDomainnameStep(string Name) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetDomainname;

    public override string Describe() => $"setdomainname({Quote(Name)})";

    public override void WritePayload(PlanWriter writer) => writer.String(Name);
}

/// <summary>setrlimit(2) for the container's processes.</summary>
internal sealed record SetRlimitStep(string Name, int Resource, ulong Soft, ulong Hard) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetRlimit;

    public override string Describe() => $"setrlimit({Name}, {{soft {Format(Soft)}, hard {Format(Hard)}}})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.U32((uint)Resource);
        writer.U64(Soft);
        writer.U64(Hard);
    }

    protected override string Advice(int errno) => errno == Errno.EPERM
        ? " Raising a hard limit above the host's needs CAP_SYS_RESOURCE; lower the limit."
        : "";

    private static string Format(ulong value) => value == ulong.MaxValue ? "RLIM_INFINITY" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Opens a pseudo-terminal in the container's own devpts, binds it to /dev/console and sends the master to the host.</summary>
/// <param name="BindConsole">Whether the terminal is bound on /dev/console (a container's first process; not an exec, which has no root of its own to bind in).</param>
internal sealed record SetupTerminalStep(bool BindConsole = true) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetupTerminal;

    public override string Describe() =>
        $"open(\"/dev/ptmx\"), ioctl(TIOCSPTLCK, 0), ioctl(TIOCGPTPEER), {(BindConsole ? "bind it on \"/dev/console\", " : "")}sendmsg(SCM_RIGHTS master), dup2(pty, 0/1/2)";

    public override void WritePayload(PlanWriter writer) => writer.U32(BindConsole ? 1u : 0u);
}

/// <summary>chdir(2) to the working directory, refusing one that is not inside the root.</summary>
internal sealed record ChdirStep(string Path) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Chdir;

    public override string Describe() => $"chdir({Quote(Path)}), getcwd() must be inside the root";

    public override void WritePayload(PlanWriter writer) => writer.String(Path);

    protected override string Advice(int errno) => errno switch
    {
        Errno.ENOENT => $" The working directory {Path} does not exist in the container.",
        Errno.ENOTDIR => $" The working directory {Path} is not a directory inside the container.",
        Errno.EACCES => $" The container's user may not enter {Path}.",
        _ => "",
    };
}

/// <summary>umask(2) for the container's program.</summary>
internal sealed record UmaskStep(uint Mask) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Umask;

    public override string Describe() => $"umask(0{Convert.ToString(Mask, 8)})";

    public override void WritePayload(PlanWriter writer) => writer.U32(Mask);
}

/// <summary>
/// setgroups(2), setresgid(2), setresuid(2), in the order that keeps the privilege to make the next
/// call; with <paramref name="KeepCapabilities"/> the permitted set survives leaving uid 0.
/// </summary>
internal sealed record SetCredentialsStep(uint Uid, uint Gid, IReadOnlyList<uint> Groups, bool KeepCapabilities = false) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetCredentials;

    public override string Describe() =>
        $"setgroups([{string.Join(", ", Groups)}]), setresgid({Gid}, {Gid}, {Gid}), "
        + (KeepCapabilities ? $"prctl(PR_SET_KEEPCAPS, 1), setresuid({Uid}, {Uid}, {Uid}), prctl(PR_SET_KEEPCAPS, 0)" : $"setresuid({Uid}, {Uid}, {Uid})");

    public override void WritePayload(PlanWriter writer)
    {
        writer.U32(Uid);
        writer.U32(Gid);
        writer.U32((uint)Groups.Count);
        foreach (var group in Groups) writer.U32(group);
        writer.U32(KeepCapabilities ? 1u : 0u);
    }

    protected override string Advice(int errno) => errno == Errno.EINVAL
        ? $" uid {Uid} or gid {Gid} is not mapped in the container's user namespace."
        : "";
}

/// <summary>Drops from the bounding set every capability not kept; done as root, before the uid changes.</summary>
internal sealed record DropBoundingStep(CapabilitySet Keep) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.DropBounding;

    public override string Describe() => $"prctl(PR_CAPBSET_DROP) for every capability but [{Keep}]";

    public override void WritePayload(PlanWriter writer) => writer.U64(Keep.Mask);
}

/// <summary>capset(2) of the effective, permitted and inheritable sets, then the ambient set.</summary>
internal sealed record SetCapabilitiesStep(ProcessCapabilities Capabilities) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetCapabilities;

    public override string Describe() =>
        $"capset(effective [{Capabilities.Effective}], permitted [{Capabilities.Permitted}], inheritable [{Capabilities.Inheritable}]), "
        + $"prctl(PR_CAP_AMBIENT_CLEAR_ALL), raise ambient [{Capabilities.Ambient}]";

    public override void WritePayload(PlanWriter writer)
    {
        writer.U64(Capabilities.Effective.Mask);
        writer.U64(Capabilities.Permitted.Mask);
        writer.U64(Capabilities.Inheritable.Mask);
        writer.U64(Capabilities.Ambient.Mask);
    }

    protected override string Advice(int errno) => errno == Errno.EPERM
        ? " A capability in the effective, inheritable or ambient set must also be in the permitted (and, for ambient, inheritable) set."
        : "";
}

/// <summary>seccomp(SECCOMP_SET_MODE_FILTER) of a filter the host compiled; stage-0 only loads the instructions.</summary>
internal sealed record SeccompStep(byte[] Program, int Instructions, bool AfterNoNewPrivileges) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Seccomp;

    public override string Describe() => $"seccomp(SECCOMP_SET_MODE_FILTER, {Instructions} BPF instructions)";

    public override void WritePayload(PlanWriter writer)
    {
        writer.U32(0);
        writer.U32((uint)Instructions);
        writer.Bytes(Program);
    }

    protected override string Advice(int errno) => errno switch
    {
        Errno.EACCES => " Loading a filter needs no_new_privs or CAP_SYS_ADMIN.",
        Errno.EPERM or Errno.ENOSYS => " The seccomp profile denies a syscall stage-0 makes after loading it (setuid, capset, prctl, execve …); allow it, or set no-new-privileges so the filter is loaded last.",
        _ => "",
    };
}

/// <summary>Creates a Landlock ruleset, adds a rule per path (opened inside the container) and restricts itself.</summary>
internal sealed record LandlockStep(LandlockAccess Handled, IReadOnlyList<LandlockRule> Rules) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Landlock;

    public override string Describe() =>
        $"landlock_create_ruleset(handled: {Handled}), {string.Join(", ", Rules.Select(r => $"add_rule({Quote(r.Path)}: {r.Access & Handled})"))}, landlock_restrict_self()";

    public override void WritePayload(PlanWriter writer)
    {
        writer.U64((ulong)Handled);
        writer.U64((ulong)LandlockAccess.FileRights);
        writer.U32((uint)Rules.Count);
        foreach (var rule in Rules)
        {
            writer.String(rule.Path);
            writer.U64((ulong)rule.Access);
        }
    }

    protected override string Advice(int errno) => errno switch
    {
        Errno.ENOENT => " A Landlock rule names a path that does not exist in the container.",
        Errno.EOPNOTSUPP or Errno.ENOSYS => " Landlock is not enabled in this kernel (lsm= boot parameter).",
        _ => "",
    };
}

/// <summary>Writes the label an LSM applies at the next execve (AppArmor profile or SELinux context).</summary>
internal sealed record WriteLsmAttributeStep(string Path, string Value) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.WriteLsmAttribute;

    public override string Describe() => $"write({Quote(Path)}, {Quote(Value)})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Path);
        writer.String(Value);
    }

    protected override string Advice(int errno) => errno is Errno.ENOENT or Errno.EINVAL
        ? " The security profile or label is not loaded on this host."
        : "";
}

/// <summary>prctl(PR_SET_NO_NEW_PRIVS): setuid binaries and file capabilities grant nothing.</summary>
internal sealed record NoNewPrivilegesStep : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.NoNewPrivileges;

    public override string Describe() => "prctl(PR_SET_NO_NEW_PRIVS, 1)";

    public override void WritePayload(PlanWriter writer)
    {
    }
}

/// <summary>Resets signals, closes every fd but stdio on exec, and execve(2)s the program (through an init when asked).</summary>
internal sealed record ExecStep(string Path, IReadOnlyList<string> Args, IReadOnlyList<string> Env, ExecFlags Flags) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Exec;

    public override string Describe()
    {
        var prefix = new List<string>();
        if (Flags.HasFlag(ExecFlags.DieWithHost)) prefix.Add("prctl(PR_SET_PDEATHSIG, SIGKILL)");
        prefix.Add("reset all signal dispositions and the mask");
        prefix.Add("close_range(3, ~0, CLOSE_RANGE_CLOEXEC)");
        if (Flags.HasFlag(ExecFlags.Init)) prefix.Add("fork() — stage-0 stays PID 1: reaps zombies, forwards signals");
        if (Flags.HasFlag(ExecFlags.NewSession)) prefix.Add("setsid()");
        if (Flags.HasFlag(ExecFlags.ControllingTerminal)) prefix.Add("ioctl(0, TIOCSCTTY)");
        var where = Path.Contains('/', StringComparison.Ordinal) ? "" : " (searched in the container's PATH)";
        return $"{string.Join(", ", prefix)}, execve({Quote(Path)}, [{string.Join(", ", Args.Select(Quote))}], {Env.Count} variables){where}";
    }

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Path);
        writer.Strings(Args);
        writer.Strings(Env);
        writer.U32((uint)Flags);
    }

    public override ContainerStartException Failure(int errno)
    {
        if (errno == Errno.ENOENT)
        {
            var where = Path.Contains('/', StringComparison.Ordinal)
                ? ""
                : $" (searched in PATH={Env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? "<default>"})";
            return new ContainerCommandNotFoundException(
                $"{Path} not found in the container{where}. Check the command, or that the root filesystem contains it and the libraries it needs.",
                Describe(), errno, Path);
        }
        return base.Failure(errno);
    }

    protected override string Advice(int errno) => errno switch
    {
        Errno.EACCES => $" {Path} is not executable by the container's user, or it is on a noexec mount.",
        Errno.ENOEXEC => $" {Path} is not a program this kernel can run (wrong architecture, or a script without #!).",
        _ => "",
    };
}
