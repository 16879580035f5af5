// Runs a shell in a container on the host's own root filesystem (read-only, nothing to
// download) and prints what shows the isolation. Run as root:
//   dotnet run --project samples/Quickstart            (add --explain to see the plan)
using Microsoft.Extensions.Logging;
using MiniDocker.Containers;

const string Script = """
    echo "hostname:    $(hostname)"
    echo "my pid:      $$"
    echo "user:        $(id)"
    echo "processes:"; ps -e -o pid,comm 2>/dev/null || ls /proc | grep -E '^[0-9]+$'
    echo "interfaces:"; ip -brief link 2>/dev/null || cat /proc/net/dev
    echo "root is read-only: $(touch /probe 2>/dev/null && echo no || echo yes)"
    """;

if (Environment.UserName != "root")
{
    Console.Error.WriteLine("Quickstart creates namespaces and mounts: run it as root (sudo -E dotnet run --project samples/Quickstart).");
    return 1;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
await using var engine = new ContainerEngine(loggerFactory: loggerFactory);

var builder = engine.CreateContainer()
    .WithHostRootfs()
    .WithHostname("quickstart")
    .WithCommand("/bin/sh", "-c", Script);

if (args.Contains("--explain"))
{
    Console.WriteLine(builder.Explain());
}

Console.WriteLine($"host:        hostname {Environment.MachineName}, pid {Environment.ProcessId}");
await using var container = await builder.StartAsync();
var exit = await container.WaitAsync();
var logs = await container.GetLogsAsync();
Console.Write(logs.Stdout);
Console.Error.Write(logs.Stderr);
Console.WriteLine($"container {container.Name} ended: {exit}");
return exit.ExitCode;
