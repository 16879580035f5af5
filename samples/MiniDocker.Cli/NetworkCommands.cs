using MiniDocker.Containers;

namespace MiniDocker.Cli;

/// <summary>network create, ls, rm: persistent bridge networks, which outlive this process as Docker's do.</summary>
internal sealed class NetworkCommands(ContainerEngine engine)
{
    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken) => args switch
    {
        ["create", .. var rest] => CreateAsync(rest, cancellationToken),
        ["ls" or "list", ..] => ListAsync(cancellationToken),
        ["rm" or "remove", .. var rest] => RemoveAsync(rest, cancellationToken),
        _ => throw new CliException("give a network command: create, ls or rm (see 'minidocker network --help')"),
    };

    private async Task<int> CreateAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("network create", args, [], ["--subnet", "-d", "--driver"]);
        if (a.Positional.Count != 1) throw new CliException("\"network create\" requires exactly 1 argument (see 'minidocker network create --help')");
        if (a.Value("-d", "--driver") is { } driver && driver != "bridge") throw new CliException($"only the bridge driver is supported, not {driver}");
        if (a.Value("--subnet") is { } subnet)
        {
            Console.WriteLine((await engine.Networks.CreateAsync(a.Positional[0], subnet, persistent: true, cancellationToken)).Name);
            return 0;
        }
        // As Docker picks a free range: the first 10.89.N.0/24 that neither a network nor the host uses.
        for (int n = 0; n < 256; n++)
        {
            try
            {
                Console.WriteLine((await engine.Networks.CreateAsync(a.Positional[0], $"10.89.{n}.0/24", persistent: true, cancellationToken)).Name);
                return 0;
            }
            catch (ContainerConfigurationException e) when (e.Message.Contains("overlaps", StringComparison.Ordinal))
            {
            }
        }
        throw new CliException("no free subnet in 10.89.0.0/16; give one with --subnet");
    }

    private async Task<int> ListAsync(CancellationToken cancellationToken)
    {
        var networks = await engine.Networks.ListAsync(cancellationToken);
        Display.Table(["NAME", "DRIVER", "SUBNET", "BRIDGE"], networks.Select(n => (IReadOnlyList<string>)[n.Name, "bridge", n.Subnet.ToString(), n.Bridge]));
        return 0;
    }

    private async Task<int> RemoveAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = Arguments.Parse("network rm", args, [], []);
        if (a.Positional.Count == 0) throw new CliException("\"network rm\" requires at least 1 argument (see 'minidocker network rm --help')");
        int code = 0;
        foreach (var name in a.Positional)
        {
            if (engine.Networks.Find(name) is null)
            {
                Console.Error.WriteLine($"Error response from daemon: network {name} not found");
                code = ExitCodes.Failure;
                continue;
            }
            try
            {
                await engine.Networks.RemoveAsync(name, cancellationToken);
                Console.WriteLine(name);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"Error response from daemon: {e.Message}");
                code = ExitCodes.Failure;
            }
        }
        return code;
    }
}
