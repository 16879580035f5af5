using System.Diagnostics;
using MiniDocker.Security.Seccomp;
using MiniDocker.Tests.Infrastructure;

namespace MiniDocker.Tests.Integration;

/// <summary>The compiled filters loaded by stage-0 into real containers, and by a host program into itself.</summary>
public sealed class SeccompTests(TestEnvironment env)
{
    // Each call uses arguments the kernel would reject or that do nothing, so an unconfined run
    // shows the kernel's own answer and a confined run shows the filter's EPERM.
    private const string Probe = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <sched.h>
        #include <stdio.h>
        #include <sys/socket.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        static void probe(const char *name, long r) { printf("%s=%d\n", name, r < 0 ? errno : 0); }
        int main(void) {
            probe("unshare", syscall(SYS_unshare, CLONE_NEWNS));
            probe("mount", syscall(SYS_mount, "none", "/nonexistent", "tmpfs", 0, 0));
            probe("keyctl", syscall(SYS_keyctl, 0xffff, 0, 0, 0, 0));
            probe("reboot", syscall(SYS_reboot, 0, 0, 0, 0));
            probe("kexec_load", syscall(SYS_kexec_load, 0, 0, 0, 0));
            probe("bpf", syscall(SYS_bpf, 0xffff, 0, 0));
            probe("personality_query", syscall(SYS_personality, 0xffffffffUL));
            probe("personality_set", syscall(SYS_personality, 0x0040000UL));
            int s = socket(AF_NETLINK, SOCK_RAW, 0); probe("socket_netlink", s); if (s >= 0) close(s);
            s = socket(AF_INET, SOCK_DGRAM, 0); probe("socket_inet", s); if (s >= 0) close(s);
            return 0;
        }
        """;

    private static Dictionary<string, int> Parse(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));

    private BusyboxWithProbe CreateRootfs()
    {
        var rootfs = env.CreateRootfs();
        NativeProgram.Compile(Path.Combine(rootfs.Path, "bin", "probe"), Probe);
        return new BusyboxWithProbe(rootfs);
    }

    [Fact]
    public async Task In_a_default_container_dangerous_syscalls_fail_with_EPERM_from_the_filter()
    {
        using var rootfs = CreateRootfs();
        await using var test = env.CreateEngine();

        var confined = Parse((await test.Busybox(rootfs.Path).WithCommand("/bin/probe").RunAsync()).Stdout);
        var unconfined = Parse((await test.Busybox(rootfs.Path).WithSeccomp(null).WithCommand("/bin/probe").RunAsync()).Stdout);

        foreach (var call in new[] { "unshare", "mount", "keyctl", "reboot", "kexec_load", "bpf" })
            Assert.True(confined[call] == 1, $"{call} returned errno {confined[call]} in a default container; expected EPERM (1).");
        // Without the filter the kernel answers for itself: not EPERM for these.
        Assert.NotEqual(1, unconfined["keyctl"]);
        Assert.NotEqual(1, unconfined["bpf"]);
        Assert.Equal(0, confined["personality_query"]);
        Assert.Equal(1, confined["personality_set"]);
        Assert.Equal(0, confined["socket_inet"]);
    }

    [Fact]
    public async Task A_filter_with_argument_conditions_behaves_as_written()
    {
        using var rootfs = CreateRootfs();
        await using var test = env.CreateEngine();
        var profile = SeccompProfile.Parse("""
            {
              "defaultAction": "SCMP_ACT_ALLOW",
              "syscalls": [
                { "names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 97, "args": [ { "index": 0, "value": 16, "op": "SCMP_CMP_EQ" } ] },
                { "names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [ { "index": 0, "value": 4294967295, "op": "SCMP_CMP_NE" } ] }
              ]
            }
            """);

        var result = Parse((await test.Busybox(rootfs.Path).WithSeccomp(profile).WithCommand("/bin/probe").RunAsync()).Stdout);

        Assert.Equal(97, result["socket_netlink"]);   // EAFNOSUPPORT, as the rule says
        Assert.Equal(0, result["socket_inet"]);
        Assert.Equal(0, result["personality_query"]);
        Assert.Equal(1, result["personality_set"]);
    }

    [Fact]
    public async Task Exec_gets_the_containers_filter_too()
    {
        using var rootfs = CreateRootfs();
        await using var test = env.CreateEngine();
        await using var container = await test.Busybox(rootfs.Path).WithCommand("/bin/sleep", "100").StartAsync(TestContext.Current.CancellationToken);
        var result = Parse((await container.ExecAsync(["/bin/probe"], cancellationToken: TestContext.Current.CancellationToken)).Stdout);
        Assert.Equal(1, result["unshare"]);
        Assert.Equal(1, result["bpf"]);
    }

    [Fact]
    public async Task With_no_new_privileges_the_filter_is_loaded_last_and_still_applies()
    {
        using var rootfs = CreateRootfs();
        await using var test = env.CreateEngine();
        var result = Parse((await test.Busybox(rootfs.Path).WithNoNewPrivileges().WithUser(1000, 1000).WithCommand("/bin/probe").RunAsync()).Stdout);
        Assert.Equal(1, result["unshare"]);
        Assert.Equal(1, result["keyctl"]);
    }

    [Fact]
    public async Task A_host_program_that_sandboxes_its_thread_is_refused_the_denied_call()
    {
        Require.Root();
        var host = Path.Combine(AppContext.BaseDirectory, "MiniDocker.TestHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { host, "sandbox", Path.Combine(env.Scratch, "sandbox-" + Guid.NewGuid().ToString("N")[..8]) }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"The sandboxed host failed: {output}{await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
        Assert.Contains("sandboxed thread: mkdir refused", output);
        Assert.Contains("other thread: mkdir allowed", output);
    }

    private sealed class BusyboxWithProbe(Testing.BusyboxRootfs rootfs) : IDisposable
    {
        public string Path => rootfs.Path;

        public void Dispose() => rootfs.Dispose();
    }
}
