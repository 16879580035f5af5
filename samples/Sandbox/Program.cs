// Shows the default confinement from inside a container on the host's own root filesystem
// (a denied syscall, a dropped capability, a masked path), then this program sandboxing
// itself with a seccomp filter. Run as root:
//   dotnet run --project samples/Sandbox
using MiniDocker.Containers;
using MiniDocker.Security.Capabilities;
using MiniDocker.Security.Seccomp;

if (Environment.UserName != "root")
{
    Console.Error.WriteLine("This sample starts containers: run it as root.");
    return 1;
}

await using var engine = new ContainerEngine();

async Task Show(string title, ContainerBuilder builder, string script)
{
    await using var container = await builder.WithCommand("/bin/sh", "-c", script).StartAsync();
    await container.WaitAsync();
    var logs = await container.GetLogsAsync();
    Console.WriteLine($"== {title}");
    Console.Write(logs.Stdout + logs.Stderr);
}

var box = engine.CreateContainer().WithHostRootfs();

await Show("a denied syscall: unshare(2) under Docker's default seccomp profile", box,
    "unshare --mount true 2>&1 || true");
await Show("a dropped capability: chown without CAP_CHOWN", box.WithCapabilities(CapabilitySet.DockerDefault.Without(Capability.Chown)),
    "touch /tmp/f; chown nobody /tmp/f 2>&1 || true; grep ^CapEff /proc/self/status");
await Show("a masked path: /proc/keys reads as /dev/null, /proc/sys is read-only", box,
    "echo \"/proc/keys: $(wc -c < /proc/keys) bytes\"; echo 1 > /proc/sys/vm/drop_caches 2>&1 || true");

Console.WriteLine("== this process confines its own thread: mkdir is refused with EACCES");
var profile = SeccompProfile.Parse("""
    { "defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
    """);
var filter = profile.Compile();
Console.WriteLine($"compiled {filter.Length} BPF instructions; mkdir decides in {filter.Evaluate("mkdir").InstructionsExecuted}");
var thread = new Thread(() =>
{
    filter.ApplyToCurrentThread();
    try
    {
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "sandbox-" + Guid.NewGuid().ToString("N")));
        Console.WriteLine("mkdir succeeded (unexpected)");
    }
    catch (UnauthorizedAccessException e)
    {
        Console.WriteLine($"mkdir refused: {e.Message}");
    }
});
thread.Start();
thread.Join();
return 0;
