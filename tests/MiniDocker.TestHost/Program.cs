// A separate host process for the tests that kill the host: it starts one container,
// prints "<container pid> <state directory>" and waits to be killed.
//   MiniDocker.TestHost <engine root> <cgroup parent> <rootfs> tied|detached
using MiniDocker;
using MiniDocker.Containers;

var engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = args[0], CgroupParent = args[1] });
var container = await engine.CreateContainer()
    .WithRootfs(args[2])
    .WithCommand("/bin/sleep", "1000")
    .WithDetached(args[3] == "detached")
    .StartAsync();
Console.WriteLine($"{container.Pid} {container.StateDirectory}");
await Task.Delay(Timeout.Infinite);
