using MiniDocker.Namespaces;
using MiniDocker.Spec;
using static MiniDocker.Execution.MountFlags;

namespace MiniDocker.Execution;

/// <summary>
/// Turns an OCI runtime specification into the ordered steps stage-0 executes. The order is
/// the one runc, crun and youki converge on; see docs/architecture.md for why each step is where it is.
/// </summary>
internal static class SpawnPlanner
{
    public const uint DefaultUmask = 0x12; // 0022

    // setns order when joining a running container: the user namespace first, so the
    // others are joined with its privileges; the mount namespace last, because it
    // changes the root that every later path is resolved in.
    private static readonly NamespaceType[] JoinOrder =
    [
        NamespaceType.User, NamespaceType.Ipc, NamespaceType.Uts, NamespaceType.Network,
        NamespaceType.Pid, NamespaceType.Cgroup, NamespaceType.Time, NamespaceType.Mount,
    ];

    public static SpawnPlan ForContainer(RuntimeSpec spec, SpawnOptions options)
    {
        SpecValidator.Validate(spec);
        var process = spec.Process!;
        var root = spec.Root!;
        var linux = spec.Linux ?? new LinuxSpec();
        var steps = new List<PlanStep>();
        var inherited = new List<string>();

        // First, while stage-0 is still in every namespace of the host: the monitor it forks stays there.
        if (options.Log is { } log && !process.Terminal) steps.Add(log);
        if (options.Monitor is { } monitor) steps.Add(monitor);
        // Before any setns: the cgroup files are the host's paths.
        if (options.JoinCgroup is { } join) steps.Add(join);

        var created = new List<NamespaceType>();
        foreach (var ns in linux.Namespaces)
        {
            var type = NamespaceTypeExtensions.FromOciName(ns.Type);
            if (string.IsNullOrEmpty(ns.Path))
            {
                created.Add(type);
            }
            else
            {
                steps.Add(new JoinNamespaceStep(SpawnPlan.FirstInheritedFd + inherited.Count, type, ns.Path));
                inherited.Add(ns.Path);
            }
        }
        AddClone(steps, inherited, created, options.CgroupDirectory);

        if (created.Contains(NamespaceType.Network)) steps.Add(new LoopbackUpStep());
        steps.Add(new SetPropagationStep(Propagation(linux.RootfsPropagation)));
        // The host's "/" has every mount point already, and its submounts must be
        // read-only too; an image's root is made read-only after its mounts are in.
        bool hostRoot = root.Path == "/";
        // In a user namespace the host clones the rootfs (and idmaps it): see IdmappedRootfs.
        // An image's overlay is always made by the host, as a detached mount.
        bool fromHost = options.RootfsFromHost || (created.Contains(NamespaceType.User) && !hostRoot);
        steps.Add(new BindRootfsStep(root.Path, root.Readonly && hostRoot, fromHost));

        bool devIsMounted = false, ptsIsMounted = false;
        foreach (var mount in spec.Mounts)
        {
            steps.Add(MountStepFor(mount));
            devIsMounted |= mount.Destination == "/dev";
            ptsIsMounted |= mount.Destination == "/dev/pts";
        }
        if (devIsMounted)
        {
            foreach (var device in DefaultDevices.Devices.Concat(linux.Devices))
                steps.Add(MknodStepFor(device));
            foreach (var (target, link) in DefaultDevices.Links)
            {
                if (link == "/dev/ptmx" && !ptsIsMounted) continue;
                steps.Add(new SymlinkStep(target, link));
            }
        }
        if (process.Cwd != "/") steps.Add(new MkdirStep(process.Cwd));
        if (root.Readonly && !hostRoot) steps.Add(new ReadOnlyRootStep());

        steps.Add(new PivotRootStep());
        // After the pivot, so the paths are the container's own /proc and /sys.
        foreach (var path in linux.ReadonlyPaths) steps.Add(new ReadOnlyPathStep(path));
        foreach (var path in linux.MaskedPaths) steps.Add(new MaskPathStep(path));
        if (spec.Hostname is { } hostname) steps.Add(new SetHostnameStep(hostname));
        if (spec.Domainname is { } domainname) steps.Add(new SetDomainnameStep(domainname));
        foreach (var rlimit in process.Rlimits)
            steps.Add(new SetRlimitStep(rlimit.Type, Rlimits.Resource(rlimit.Type), rlimit.Soft, rlimit.Hard));
        if (process.Terminal) steps.Add(new SetupTerminalStep());

        AddProcessSteps(steps, process, linux.Seccomp, options.Landlock);
        var flags = ExecFlags.NewSession
            | (process.Terminal ? ExecFlags.ControllingTerminal : 0)
            | (options.Init ? ExecFlags.Init : 0)
            | (options.DieWithHost ? ExecFlags.DieWithHost : 0);
        steps.Add(new ExecStep(process.Args[0], [.. process.Args], [.. process.Env], flags));
        return new SpawnPlan(steps, inherited);
    }

    /// <summary>A process that joins the namespaces of a running container (docker exec).</summary>
    /// <param name="containerPid">The host pid of the container's first process.</param>
    /// <param name="namespaces">The namespaces the container has of its own.</param>
    /// <param name="process">The process to run.</param>
    /// <param name="dieWithHost">Kill the process when the host dies.</param>
    /// <param name="cgroupDirectory">The container's cgroup v2 directory to clone into, or null.</param>
    /// <param name="seccomp">The container's seccomp filter, which exec'd processes get too.</param>
    /// <param name="landlock">The container's Landlock policy, which exec'd processes get too.</param>
    /// <param name="joinCgroup">Stage-0 moves itself into the container's cgroup (v1) first, or null.</param>
    public static SpawnPlan ForExec(int containerPid, IReadOnlyCollection<NamespaceType> namespaces, ProcessSpec process, bool dieWithHost,
        string? cgroupDirectory = null, LinuxSeccompSpec? seccomp = null, Security.Landlock.LandlockPolicy? landlock = null, JoinCgroupStep? joinCgroup = null)
    {
        SpecValidator.ValidateProcess(process);
        var steps = new List<PlanStep>();
        if (joinCgroup is not null) steps.Add(joinCgroup);
        var inherited = new List<string>();
        foreach (var type in JoinOrder.Where(namespaces.Contains))
        {
            var path = Namespace.ProcPath(containerPid, type);
            steps.Add(new JoinNamespaceStep(SpawnPlan.FirstInheritedFd + inherited.Count, type, path));
            inherited.Add(path);
        }
        AddClone(steps, inherited, [], cgroupDirectory);
        if (process.Terminal) steps.Add(new SetupTerminalStep(BindConsole: false));
        AddProcessSteps(steps, process, seccomp, landlock);
        var flags = (dieWithHost ? ExecFlags.DieWithHost : ExecFlags.None) | (process.Terminal ? ExecFlags.NewSession | ExecFlags.ControllingTerminal : ExecFlags.None);
        steps.Add(new ExecStep(process.Args[0], [.. process.Args], [.. process.Env], flags));
        return new SpawnPlan(steps, inherited);
    }

    /// <summary>
    /// The clone and the wait for the host. A cgroup namespace is made after the wait unless the
    /// child is cloned straight into its cgroup: its root must be the container's cgroup.
    /// </summary>
    private static void AddClone(List<PlanStep> steps, List<string> inherited, List<NamespaceType> created, string? cgroupDirectory)
    {
        bool lateCgroupNamespace = cgroupDirectory is null && created.Remove(NamespaceType.Cgroup);
        if (cgroupDirectory is null)
        {
            steps.Add(new CloneStep(created));
        }
        else
        {
            steps.Add(new CloneStep(created, SpawnPlan.FirstInheritedFd + inherited.Count, cgroupDirectory));
            inherited.Add(cgroupDirectory);
        }
        steps.Add(new WaitForHostStep());
        if (lateCgroupNamespace) steps.Add(new UnshareStep([NamespaceType.Cgroup]));
        // The maps are written now: become the new namespace's root, whose capabilities
        // every later step (mounts, hostname, setgroups) needs.
        if (created.Contains(NamespaceType.User)) steps.Add(new BecomeNamespaceRootStep());
    }

    /// <summary>
    /// The bounding set shrinks while still root, the uid changes (keeping capabilities when the
    /// specification gives a non-root user some), then capset sets what the program starts with.
    /// </summary>
    private static void AddProcessSteps(List<PlanStep> steps, ProcessSpec process, LinuxSeccompSpec? seccompSpec, Security.Landlock.LandlockPolicy? landlock)
    {
        steps.Add(new ChdirStep(process.Cwd));
        steps.Add(new UmaskStep(process.User.Umask ?? DefaultUmask));
        // Landlock needs no_new_privs or CAP_SYS_ADMIN: applied while stage-0 is still root.
        if (landlock is not null) steps.Add(LandlockStepFor(landlock));
        if (process.ApparmorProfile is { } profile) steps.Add(new WriteLsmAttributeStep("/proc/self/attr/apparmor/exec", "exec " + profile));
        if (process.SelinuxLabel is { } label) steps.Add(new WriteLsmAttributeStep("/proc/self/attr/exec", label));
        var capabilities = process.Capabilities?.ToCapabilities();
        // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which the capability steps
        // drop: then the filter goes in first (as runc does), and must allow what follows.
        var seccomp = seccompSpec is null ? null : SeccompPrograms.Get(seccompSpec, !process.NoNewPrivileges);
        if (seccomp is { AfterNoNewPrivileges: false }) steps.Add(seccomp);
        if (capabilities is not null) steps.Add(new DropBoundingStep(capabilities.Bounding));
        bool keep = capabilities is not null && process.User.Uid != 0 && capabilities.Permitted.Count > 0;
        steps.Add(new SetCredentialsStep(process.User.Uid, process.User.Gid, [.. process.User.AdditionalGids], keep));
        if (capabilities is not null) steps.Add(new SetCapabilitiesStep(capabilities));
        if (process.NoNewPrivileges) steps.Add(new NoNewPrivilegesStep());
        // Last before execve, so nothing stage-0 does is filtered.
        if (seccomp is { AfterNoNewPrivileges: true }) steps.Add(seccomp);
    }

    private static LandlockStep LandlockStepFor(Security.Landlock.LandlockPolicy policy)
    {
        var supported = Security.Lsm.LinuxSecurityModules.LandlockSupportedAccess;
        if (supported == Security.Landlock.LandlockAccess.None)
            throw new ContainerConfigurationException("Landlock is not available in this kernel (it needs Linux 5.13 and landlock in the lsm= list); remove WithLandlock or enable it.");
        return new LandlockStep(policy.Handled & supported, policy.Rules);
    }

    private static ulong Propagation(string? propagation) => propagation switch
    {
        null or "" or "private" or "rprivate" => MS_REC | MS_PRIVATE,
        "slave" or "rslave" => MS_REC | MS_SLAVE,
        "shared" or "rshared" => MS_REC | MS_SHARED,
        "unbindable" or "runbindable" => MS_REC | MS_UNBINDABLE,
        _ => throw new ContainerConfigurationException(
            $"linux.rootfsPropagation \"{propagation}\" is not a propagation; use private, rprivate, slave, rslave, shared or rshared."),
    };

    private static PlanStep MountStepFor(MountSpec mount)
    {
        var options = MountOptions.Parse(mount.Options);
        if (options.Bind || mount.Type == "bind")
        {
            var kind = File.Exists(mount.Source) ? TargetKind.File : TargetKind.Directory;
            return new BindMountStep(mount.Source!, mount.Destination, options.Recursive, options.BindAttributes(), kind);
        }
        var type = mount.Type ?? throw new ContainerConfigurationException($"The mount at {mount.Destination} has no type; give one such as tmpfs or proc, or the option bind.");
        return new MountStep(mount.Source ?? type, mount.Destination, type, options.Flags, options.Data, TargetKind.Directory);
    }

    private static MknodStep MknodStepFor(DeviceSpec device)
    {
        uint type = device.Type switch
        {
            "c" or "u" => 0x2000,
            "b" => 0x6000,
            "p" => 0x1000,
            _ => throw new ContainerConfigurationException($"Device {device.Path} has type \"{device.Type}\"; use c, b or p."),
        };
        var mode = type | (device.FileMode ?? Convert.ToUInt32("666", 8)) & 0xFFF;
        return new MknodStep(device.Path, mode, device.Major, device.Minor, device.Path);
    }
}
