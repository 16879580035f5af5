// A separate host process for the tests that kill the host: it starts one container,
// prints "<container pid> <state directory>" and waits to be killed.
//   MiniDocker.TestHost <engine root> <rootfs> tied|detached
using MiniDocker;
using MiniDocker.Containers;

var engine = new ContainerEngine(new MiniDockerOptions { RootDirectory = args[0] });
var container = await engine.CreateContainer()
    .WithRootfs(args[1])
    .WithCommand("/bin/sleep", "1000")
    .WithDetached(args[2] == "detached")
    .StartAsync();
Console.WriteLine($"{container.Pid} {container.StateDirectory}");
await Task.Delay(Timeout.Infinite);
