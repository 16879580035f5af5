// A separate host process for tests that need a process of their own:
//   MiniDocker.TestHost <engine root> <cgroup parent> <rootfs> tied|detached
//       starts one container, prints "<container pid> <state directory>", waits to be killed;
//   MiniDocker.TestHost <engine root> <cgroup parent> <rootfs> tied-host-pid
//       the same with a container that shares the host's PID namespace, and prints the pid of a
//       process its first process started in the background;
//   MiniDocker.TestHost network <engine root> <cgroup parent> <rootfs> <subnet>
//       makes a bridge network with one container on it, prints "<bridge>", waits to be killed;
//   MiniDocker.TestHost sandbox <directory>
//       confines its main thread with a seccomp filter that refuses mkdir, and tries it there
//       and on another thread.
using MiniDocker;
using MiniDocker.Containers;
using MiniDocker.Security.Seccomp;

if (args[0] == "sandbox")
{
    var profile = SeccompProfile.Parse("""
        { "defaultAction": "SCMP_ACT_ALLOW",
          "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }
        """);
    // A thread running before the filter is loaded stays unconfined; threads started after inherit it.
    using var go = new ManualResetEventSlim();
    string? result = null;
    var other = new Thread(() =>
    {
        go.Wait();
        result = TryMkdir(args[1] + "-b");
    });
    other.Start();
    profile.Compile().ApplyToCurrentThread();
    var sandboxed = TryMkdir(args[1] + "-a");
    go.Set();
    other.Join();
    Console.WriteLine($"sandboxed thread: mkdir {sandboxed}");
    Console.WriteLine($"other thread: mkdir {result}");
    return 0;
}

if (args[0] == "network")
{
    var owner = new ContainerEngine(new MiniDockerOptions { RootDirectory = args[1], CgroupParent = args[2] });
    var network = await owner.Networks.CreateAsync("crashnet", args[4]);
    await owner.CreateContainer().WithRootfs(args[3]).WithNetwork(network).WithCommand("/bin/sleep", "1000").StartAsync();
    Console.WriteLine(network.Bridge);
    await Task.Delay(Timeout.Infinite);
}

var engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = args[0], CgroupParent = args[1] });
if (args[3] == "tied-host-pid")
{
    var shared = await engine.CreateContainer().WithRootfs(args[2])
        .WithNamespaces(MiniDocker.Namespaces.NamespaceType.Mount, MiniDocker.Namespaces.NamespaceType.Uts, MiniDocker.Namespaces.NamespaceType.Ipc)
        .WithCommand("/bin/sh", "-c", "/bin/sleep 1000 & echo $!; exec /bin/sleep 1000")
        .StartAsync();
    await foreach (var line in shared.FollowLogsAsync())
    {
        Console.WriteLine($"{line.Text.Trim()} {shared.StateDirectory}");
        break;
    }
    await Task.Delay(Timeout.Infinite);
}
var container = await engine.CreateContainer()
    .WithRootfs(args[2])
    .WithCommand("/bin/sh", "-c", "echo started by the first host; exec /bin/sleep 1000")
    .WithDetached(args[3] == "detached")
    .StartAsync();
Console.WriteLine($"{container.Pid} {container.StateDirectory}");
await Task.Delay(Timeout.Infinite);
return 0;

static string TryMkdir(string path)
{
    try
    {
        Directory.CreateDirectory(path);
        Directory.Delete(path);
        return "allowed";
    }
    catch (UnauthorizedAccessException)
    {
        return "refused";
    }
}
