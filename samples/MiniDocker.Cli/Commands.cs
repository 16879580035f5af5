using MiniDocker.Containers;

namespace MiniDocker.Cli;

/// <summary>Dispatches a command to the part of the CLI that handles it.</summary>
internal sealed class Commands(ContainerEngine engine)
{
    public const string Usage = """
        Usage:  minidocker COMMAND

        Containers:
          run        Run a command in a new container (-d, --rm, -i, -t, -e, -v, -p, --network, -m, --cpus, --name, --entrypoint, -w, -u, --hostname, --init, --restart)
          create     Create a container without starting it (the flags of run)
          start      Start created containers
          ps         List containers (-a, -q, -f name=|id=|status=|ancestor=|label=)
          logs       Show a container's output (-f, --tail, -t, --since, --until)
          exec       Run a command in a running container (-e, -w, -u)
          stop       Stop running containers (-t)
          kill       Kill running containers (-s)
          rm         Remove containers (-f)
          pause      Freeze a container's processes
          unpause    Thaw them
          stats      Show resource use (--no-stream)
          inspect    Show a container or image as JSON
          container prune, system prune
          network    create (--subnet), ls, rm: bridge networks that outlive this command
        Images:
          pull, push, images (-q), rmi (-f), tag, load (-i), save (-o), image prune
        """;

    public Task<int> RunAsync(string command, string[] args, CancellationToken cancellationToken)
    {
        var containers = new ContainerCommands(engine);
        var images = new ImageCommands(engine);
        return command switch
        {
            "run" => containers.RunAsync(args, cancellationToken),
            "create" => containers.CreateAsync(args, cancellationToken),
            "start" => containers.StartAsync(args, cancellationToken),
            "ps" => containers.PsAsync(args, cancellationToken),
            "logs" => containers.LogsAsync(args, cancellationToken),
            "exec" => containers.ExecAsync(args, cancellationToken),
            "stop" => containers.StopAsync(args, cancellationToken),
            "kill" => containers.KillAsync(args, cancellationToken),
            "rm" => containers.RemoveAsync(args, cancellationToken),
            "pause" => containers.PauseAsync(args, pause: true, cancellationToken),
            "unpause" => containers.PauseAsync(args, pause: false, cancellationToken),
            "stats" => containers.StatsAsync(args, cancellationToken),
            "inspect" => Inspect.RunAsync(engine, args, cancellationToken),
            "container" when args is ["prune", ..] => containers.PruneAsync(cancellationToken),
            "system" when args is ["prune", ..] => SystemPruneAsync(cancellationToken),
            "pull" => images.PullAsync(args, cancellationToken),
            "push" => images.PushAsync(args, cancellationToken),
            "images" => images.ListAsync(args, cancellationToken),
            "rmi" => images.RemoveAsync(args, cancellationToken),
            "tag" => images.TagAsync(args, cancellationToken),
            "load" => images.LoadAsync(args, cancellationToken),
            "save" => images.SaveAsync(args, cancellationToken),
            "image" when args is ["prune", ..] => images.PruneAsync(cancellationToken),
            "network" => new NetworkCommands(engine).RunAsync(args, cancellationToken),
            "attach" or "cp" or "build" =>
                throw new CliException($"'{command}' is not supported by this command line yet. (see 'minidocker --help')"),
            _ => throw new CliException($"'{command}' is not a minidocker command. (see 'minidocker --help')"),
        };
    }

    private async Task<int> SystemPruneAsync(CancellationToken cancellationToken)
    {
        var pruned = await engine.PruneAsync(cancellationToken);
        Console.WriteLine("Deleted Containers:");
        foreach (var id in pruned.Containers) Console.WriteLine(id);
        Console.WriteLine($"Total reclaimed space: {Display.Size(pruned.Images.BytesReclaimed)}");
        return 0;
    }
}
