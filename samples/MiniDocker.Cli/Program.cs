// minidocker: a docker-like command line on MiniDocker's public API.
//   minidocker run [-d] [--rm] [-e K=V] [-v SRC:DST[:ro]] [-m 64m] [--cpus 0.5] [--name N] IMAGE [COMMAND...]
//   minidocker ps [-a] | logs [-f] [--tail N] [-t] C | exec C CMD... | stop|kill|rm|pause|unpause C...
//   minidocker images | pull|push REF | rmi IMG... | tag SRC DST | load -i FILE | save -o FILE IMG... | inspect X | stats --no-stream | system prune
// The engine root is /var/lib/minidocker (root) unless MINIDOCKER_ROOT says otherwise.
using MiniDocker;
using MiniDocker.Cli;
using MiniDocker.Containers;

var options = new MiniDockerOptions();
if (Environment.GetEnvironmentVariable("MINIDOCKER_ROOT") is { Length: > 0 } root) options.RootDirectory = root;
if (Environment.GetEnvironmentVariable("MINIDOCKER_CGROUP_PARENT") is { Length: > 0 } cgroupParent) options.CgroupParent = cgroupParent;

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(Commands.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// Not disposed on purpose: disposing an engine removes the containers it started, and a
// detached container must outlive this process (tied ones die with it anyway).
var engine = new ContainerEngine(options);
try
{
    return await new Commands(engine).RunAsync(args[0], args[1..], cancel.Token);
}
catch (CliException e)
{
    Console.Error.WriteLine($"minidocker: {e.Message}");
    return e.ExitCode;
}
catch (ContainerNotFoundException e)
{
    Console.Error.WriteLine($"Error response from daemon: No such container: {e.IdOrName}");
    return ExitCodes.Failure;
}
catch (Exception e) when (e is MiniDocker.Images.ImageNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine($"Error response from daemon: {FirstLine(e.Message)}");
    return ExitCodes.Failure;
}
catch (MiniDocker.Execution.ContainerCommandNotFoundException e)
{
    Console.Error.WriteLine($"minidocker: {FirstLine(e.Message)}");
    return ExitCodes.NotFound;
}
catch (MiniDocker.Execution.ContainerStartException e) when (e.Errno is 13 or 8)
{
    Console.Error.WriteLine($"minidocker: {FirstLine(e.Message)}");
    return ExitCodes.CannotExecute;
}
catch (MiniDockerException e)
{
    Console.Error.WriteLine($"minidocker: {FirstLine(e.Message)}");
    return ExitCodes.EngineError;
}
catch (OperationCanceledException)
{
    return 130;
}

static string FirstLine(string text) => text.Split('\n')[0];
