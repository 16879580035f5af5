using MiniDocker.Containers;
using MiniDocker.Spec;

namespace MiniDocker.Tests.Unit;

public sealed class ContainerBuilderTests
{
    [Fact]
    public void Each_With_returns_a_new_builder_and_leaves_the_original_unchanged()
    {
        var baseline = new ContainerBuilder().WithRootfs("/").WithCommand("/bin/true").WithEnvironment("A", "1");
        var derived = baseline.WithEnvironment("B", "2").WithHostname("derived");

        var baseSpec = baseline.Build().Spec;
        var derivedSpec = derived.Build().Spec;
        Assert.DoesNotContain("B=2", baseSpec.Process!.Env);
        Assert.Null(baseSpec.Hostname);
        Assert.Contains("A=1", derivedSpec.Process!.Env);
        Assert.Contains("B=2", derivedSpec.Process.Env);
        Assert.Equal("derived", derivedSpec.Hostname);
    }

    [Fact]
    public void Defaults_are_the_host_rootfs_read_only_and_dockers_path()
    {
        var spec = new ContainerBuilder().Build().Spec;
        Assert.Equal("/", spec.Root!.Path);
        Assert.True(spec.Root.Readonly);
        Assert.Equal(["/bin/sh"], spec.Process!.Args);
        Assert.Contains("PATH=" + ContainerBuilder.DefaultPath, spec.Process.Env);
        Assert.Contains("HOME=/root", spec.Process.Env);
        Assert.Equal(["pid", "mount", "uts", "ipc", "network"], spec.Linux!.Namespaces.Select(n => n.Type));
        Assert.Contains(spec.Process.Rlimits, r => r.Type == "RLIMIT_NOFILE" && r.Soft <= 1024);
    }

    [Theory]
    [InlineData("no-command", "has no command")]
    [InlineData("relative-rootfs", "is relative")]
    [InlineData("missing-rootfs", "does not exist")]
    [InlineData("bad-name", "is invalid")]
    [InlineData("bad-env", "contains '='")]
    [InlineData("relative-cwd", "is relative")]
    [InlineData("zero-tmpfs", "give a positive size")]
    [InlineData("hostname-no-uts", "needs a UTS namespace")]
    [InlineData("no-mount-ns", "needs its own mount namespace")]
    [InlineData("bad-rlimit", "is not a resource limit")]
    [InlineData("soft-above-hard", "above the hard limit")]
    [InlineData("tty-and-stdin", "WithTty and WithStdin")]
    [InlineData("user-namespace", "needs both a uid and a gid mapping")]
    [InlineData("unmapped-user", "uid 1000 is not in its uid map")]
    public void Build_refuses_invalid_settings_with_a_message_that_says_what_to_change(string which, string expected)
    {
        var ok = new ContainerBuilder().WithRootfs("/").WithCommand("/bin/true");
        var builder = which switch
        {
            "no-command" => ok.WithCommand(),
            "relative-rootfs" => ok.WithRootfs("rootfs"),
            "missing-rootfs" => ok.WithRootfs("/does/not/exist"),
            "bad-name" => ok.WithName("-x"),
            "bad-env" => ok.WithEnvironment("A=B", "c"),
            "relative-cwd" => ok.WithWorkingDirectory("srv"),
            "zero-tmpfs" => ok.WithTmpfs("/t", 0),
            "hostname-no-uts" => ok.WithHostname("h").WithNamespaces(Namespaces.NamespaceType.Mount),
            "no-mount-ns" => ok.WithNamespaces(Namespaces.NamespaceType.Pid),
            "bad-rlimit" => ok.WithRlimit("RLIMIT_BOGUS", 1, 1),
            "soft-above-hard" => ok.WithRlimit("RLIMIT_NOFILE", 10, 5),
            "user-namespace" => ok.WithNamespaces(Namespaces.NamespaceType.Mount, Namespaces.NamespaceType.User),
            "unmapped-user" => ok.WithUserNamespace(100000, 1000).WithUser(1000, 0),
            _ => ok.WithTty().WithStdin(),
        };
        var e = Assert.Throws<ContainerConfigurationException>(() => builder.Build());
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task StartAsync_without_an_engine_says_how_to_get_one()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new ContainerBuilder().StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("ContainerEngine.CreateContainer()", e.Message);
    }

    [Fact]
    public void Explain_lists_the_kernel_operations_in_order()
    {
        var text = new ContainerBuilder().WithRootfs("/").WithHostname("box").WithCommand("/bin/echo", "hi").Explain();
        var lines = text.Split('\n');
        Assert.StartsWith("Host: posix_spawn(stage-0 from a sealed memfd)", lines[0]);
        Assert.Contains("  1. clone(CLONE_PARENT|CLONE_NEWPID", text);
        Assert.Contains("mount(\"proc\", \"/proc\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)", text);
        Assert.Contains("pivot_root(\".\", \".\")", text);
        Assert.Contains("sethostname(\"box\")", text);
        Assert.True(text.IndexOf("pivot_root", StringComparison.Ordinal) < text.IndexOf("sethostname", StringComparison.Ordinal));
        Assert.Contains("execve(\"/bin/echo\", [\"/bin/echo\", \"hi\"]", lines[^2]);
    }

    [Fact]
    public void Spec_round_trips_through_OCI_config_json()
    {
        var spec = new ContainerBuilder().WithRootfs("/").WithHostname("box").WithUser(1000, 1000, 5).WithBindMount("/etc", "/host-etc", true).Build().Spec;
        var json = spec.ToJson();

        Assert.Contains("\"ociVersion\": \"1.2.0\"", json);
        Assert.Contains("\"type\": \"network\"", json);
        Assert.Contains("\"additionalGids\": [", json);
        Assert.Contains("\"destination\": \"/host-etc\"", json);
        var back = RuntimeSpec.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(1000u, back.Process!.User.Uid);
    }

    [Fact]
    public void A_malformed_config_json_gets_a_format_error()
    {
        var e = Assert.Throws<FormatException>(() => RuntimeSpec.FromJson("{\"process\": 42}"));
        Assert.Contains("not valid JSON for config.json", e.Message);
    }
}
