using MiniDocker.Containers;
using MiniDocker.Execution;
using MiniDocker.Namespaces;
using MiniDocker.Spec;

namespace MiniDocker.Tests.Unit;

/// <summary>The plan is the seam: these check what stage-0 will be told to do, without root.</summary>
public sealed class SpawnPlannerTests
{
    private static SpawnPlan PlanOf(ContainerBuilder builder, bool init = false, bool dieWithHost = true) =>
        SpawnPlanner.ForContainer(builder.Build().Spec, new SpawnOptions(init, dieWithHost));

    private static int IndexOf<T>(SpawnPlan plan) where T : PlanStep =>
        plan.Steps.Select((s, i) => (s, i)).First(x => x.s is T).i;

    [Fact]
    public void Steps_come_in_the_order_the_kernel_needs()
    {
        var plan = PlanOf(new ContainerBuilder().WithRootfs("/").WithHostname("box").WithCommand("/bin/true"));

        Assert.IsType<CloneStep>(plan.Steps[0]);
        Assert.IsType<WaitForHostStep>(plan.Steps[1]);
        Assert.IsType<ExecStep>(plan.Steps[^1]);
        // Propagation is private before the first mount; every mount precedes pivot_root.
        Assert.True(IndexOf<SetPropagationStep>(plan) < IndexOf<BindRootfsStep>(plan));
        Assert.True(IndexOf<BindRootfsStep>(plan) < IndexOf<MountStep>(plan));
        var lastMount = plan.Steps.Select((s, i) => (s, i)).Last(x => x.s is MountStep or MknodStep or SymlinkStep or BindMountStep).i;
        Assert.True(lastMount < IndexOf<PivotRootStep>(plan));
        Assert.True(IndexOf<PivotRootStep>(plan) < IndexOf<SetHostnameStep>(plan));
        Assert.True(IndexOf<ChdirStep>(plan) < IndexOf<SetCredentialsStep>(plan));
    }

    [Fact]
    public void Masked_and_read_only_paths_are_applied_after_the_pivot_with_dockers_defaults()
    {
        var plan = PlanOf(new ContainerBuilder().WithRootfs("/").WithCommand("/bin/true"));
        var pivot = IndexOf<PivotRootStep>(plan);
        Assert.True(IndexOf<MaskPathStep>(plan) > pivot);
        Assert.True(IndexOf<ReadOnlyPathStep>(plan) > pivot);
        Assert.Equal(ContainerBuilder.DefaultMaskedPaths, plan.Steps.OfType<MaskPathStep>().Select(s => s.Path));
        Assert.Contains(plan.Steps.OfType<ReadOnlyPathStep>(), s => s.Path == "/proc/sys");
    }

    [Fact]
    public void Capabilities_are_bounded_as_root_kept_across_the_uid_change_and_set_last()
    {
        var plan = PlanOf(new ContainerBuilder().WithRootfs("/").WithUser(1000, 1000)
            .WithCapabilities(Security.Capabilities.CapabilitySet.Of(Security.Capabilities.Capability.NetBindService)).WithCommand("/bin/true"));
        var bounding = IndexOf<DropBoundingStep>(plan);
        var credentials = IndexOf<SetCredentialsStep>(plan);
        var capset = IndexOf<SetCapabilitiesStep>(plan);
        Assert.True(bounding < credentials && credentials < capset && capset < plan.Steps.Count - 1);
        // A non-root user gets capabilities only in the bounding set (Docker's rule), so nothing to keep.
        Assert.False(((SetCredentialsStep)plan.Steps[credentials]).KeepCapabilities);
        Assert.Equal(0UL, ((SetCapabilitiesStep)plan.Steps[capset]).Capabilities.Effective.Mask);

        var privileged = PlanOf(new ContainerBuilder().WithRootfs("/").WithPrivileged().WithCommand("/bin/true"));
        Assert.DoesNotContain(privileged.Steps, s => s is DropBoundingStep or SetCapabilitiesStep or MaskPathStep);
    }

    [Fact]
    public void Clone_flags_are_the_namespaces_asked_for()
    {
        var plan = PlanOf(new ContainerBuilder().WithNamespaces(NamespaceType.Mount, NamespaceType.Pid).WithCommand("/bin/true"));
        var clone = Assert.IsType<CloneStep>(plan.Steps[0]);
        Assert.Equal(0x00020000UL | 0x20000000UL, clone.Flags);
        Assert.Equal("clone(CLONE_PARENT|CLONE_NEWNS|CLONE_NEWPID|SIGCHLD)", clone.Describe());
        Assert.DoesNotContain(plan.Steps, s => s is LoopbackUpStep);
    }

    [Fact]
    public void Default_container_has_dockers_namespaces_mounts_and_devices()
    {
        var plan = PlanOf(new ContainerBuilder().WithRootfs("/").WithCommand("/bin/true"));
        Assert.Equal("clone(CLONE_PARENT|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|SIGCHLD)", plan.Steps[0].Describe());
        Assert.Contains(plan.Steps, s => s is LoopbackUpStep);
        var mounts = plan.Steps.OfType<MountStep>().Select(m => (m.Target, m.FsType)).ToList();
        Assert.Equal([("/proc", "proc"), ("/dev", "tmpfs"), ("/dev/pts", "devpts"), ("/dev/shm", "tmpfs"), ("/dev/mqueue", "mqueue"), ("/sys", "sysfs")], mounts);
        Assert.Equal(["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"], plan.Steps.OfType<MknodStep>().Select(m => m.Path));
        var sys = plan.Steps.OfType<MountStep>().Single(m => m.Target == "/sys");
        Assert.Equal(MountFlags.MS_RDONLY | MountFlags.MS_NOSUID | MountFlags.MS_NODEV | MountFlags.MS_NOEXEC, sys.Flags);
    }

    [Fact]
    public void Read_only_bind_mounts_get_the_read_only_attribute_before_they_are_attached()
    {
        var plan = PlanOf(new ContainerBuilder().WithRootfs("/").WithBindMount("/etc", "/host-etc", readOnly: true).WithCommand("/bin/true"));
        var bind = plan.Steps.OfType<BindMountStep>().Single();
        Assert.Equal("/etc", bind.Source);
        Assert.Equal("/host-etc", bind.Target);
        Assert.True(bind.Recursive);
        Assert.Equal(MountFlags.MOUNT_ATTR_RDONLY | MountFlags.MOUNT_ATTR_NOSUID | MountFlags.MOUNT_ATTR_NODEV, bind.Attributes);
        Assert.Equal(TargetKind.Directory, bind.Kind);
    }

    [Fact]
    public void Host_rootfs_is_read_only_with_a_private_tmp()
    {
        var plan = PlanOf(new ContainerBuilder().WithHostRootfs().WithCommand("/bin/true"));
        var root = plan.Steps.OfType<BindRootfsStep>().Single();
        Assert.Equal("/", root.Path);
        Assert.True(root.ReadOnly);
        Assert.Contains(plan.Steps.OfType<MountStep>(), m => m.Target == "/tmp" && m.FsType == "tmpfs");
    }

    [Fact]
    public void Exec_flags_follow_init_terminal_and_lifetime()
    {
        var tied = PlanOf(new ContainerBuilder().WithCommand("/bin/true"));
        Assert.Equal(ExecFlags.NewSession | ExecFlags.DieWithHost, ((ExecStep)tied.Steps[^1]).Flags);

        var full = PlanOf(new ContainerBuilder().WithTty().WithCommand("/bin/true"), init: true, dieWithHost: false);
        Assert.Equal(ExecFlags.NewSession | ExecFlags.ControllingTerminal | ExecFlags.Init, ((ExecStep)full.Steps[^1]).Flags);
        Assert.Contains(full.Steps, s => s is SetupTerminalStep);
    }

    [Fact]
    public void Stage0_joins_the_cgroup_itself_after_forking_the_log_monitor_and_before_any_namespace_or_clone()
    {
        var join = new JoinCgroupStep(["/sys/fs/cgroup/pids/md/x/tasks", "/sys/fs/cgroup/memory/md/x/tasks"]);
        var container = SpawnPlanner.ForContainer(new ContainerBuilder().WithRootfs("/").WithCommand("/bin/true").Build().Spec,
            new SpawnOptions(Init: false, DieWithHost: true, Log: new LogStep("/tmp/x.log", 0, 1), JoinCgroup: join));
        var exec = SpawnPlanner.ForExec(4242, [NamespaceType.Mount, NamespaceType.Pid], new ProcessSpec { Args = ["/bin/true"] }, dieWithHost: true, joinCgroup: join);

        // The log monitor stays in the host's cgroup; the container is born in its own.
        Assert.Equal([typeof(LogStep), typeof(JoinCgroupStep), typeof(CloneStep)], container.Steps.Take(3).Select(s => s.GetType()));
        Assert.Same(join, exec.Steps[0]);
        Assert.IsType<JoinNamespaceStep>(exec.Steps[1]);
        Assert.Equal("write(\"0\") to \"/sys/fs/cgroup/pids/md/x/tasks\", \"/sys/fs/cgroup/memory/md/x/tasks\"", join.Describe());
    }

    [Fact]
    public void Exec_joins_the_user_namespace_first_and_the_mount_namespace_last()
    {
        var process = new ProcessSpec { Args = ["/bin/sh"], Env = ["PATH=/bin"] };
        var plan = SpawnPlanner.ForExec(4242, [NamespaceType.Mount, NamespaceType.Network, NamespaceType.User, NamespaceType.Pid], process, dieWithHost: true);

        var joins = plan.Steps.OfType<JoinNamespaceStep>().ToList();
        Assert.Equal([NamespaceType.User, NamespaceType.Network, NamespaceType.Pid, NamespaceType.Mount], joins.Select(j => j.Type));
        Assert.Equal([5, 6, 7, 8], joins.Select(j => j.Fd));
        Assert.Equal(["/proc/4242/ns/user", "/proc/4242/ns/net", "/proc/4242/ns/pid", "/proc/4242/ns/mnt"], plan.InheritedFiles);
        // The fork after setns is what puts the process into the PID namespace.
        Assert.IsType<CloneStep>(plan.Steps[joins.Count]);
        Assert.IsType<WaitForHostStep>(plan.Steps[joins.Count + 1]);
        Assert.IsType<ExecStep>(plan.Steps[^1]);
    }

    [Fact]
    public void Joining_a_namespace_by_path_opens_it_for_stage0()
    {
        var spec = new ContainerBuilder().WithRootfs("/").WithCommand("/bin/true").Build().Spec;
        var linux = spec.Linux! with
        {
            Namespaces = [.. spec.Linux!.Namespaces.Where(n => n.Type != "network"), new LinuxNamespaceSpec { Type = "network", Path = "/proc/self/ns/net" }],
        };
        var plan = SpawnPlanner.ForContainer(spec with { Linux = linux }, new SpawnOptions(false, true));
        var join = Assert.IsType<JoinNamespaceStep>(plan.Steps[0]);
        Assert.Equal(NamespaceType.Network, join.Type);
        Assert.Equal(["/proc/self/ns/net"], plan.InheritedFiles);
        Assert.DoesNotContain("NEWNET", plan.Steps[1].Describe(), StringComparison.Ordinal);
    }
}
