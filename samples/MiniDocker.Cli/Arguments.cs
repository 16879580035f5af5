namespace MiniDocker.Cli;

/// <summary>
/// Docker-style arguments of one command: flags (<c>-d</c>, <c>--name x</c>, <c>--name=x</c>,
/// <c>-e A=B</c> repeated, combined short flags <c>-it</c>) until the first positional argument;
/// the rest is positional (a container's command keeps its own flags).
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <param name="command">The command, for messages.</param>
    /// <param name="args">What followed the command.</param>
    /// <param name="switches">Flags without a value, short and long names.</param>
    /// <param name="valued">Flags that take a value.</param>
    /// <param name="interspersed">Whether flags may follow positional arguments (not for run and exec).</param>
    public static Arguments Parse(string command, IReadOnlyList<string> args, string[] switches, string[] valued, bool interspersed = true)
    {
        var result = new Arguments();
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--" || !arg.StartsWith('-') || arg == "-" || (!interspersed && result.Positional.Count > 0))
            {
                if (arg == "--") i++;
                result.Positional.AddRange(args.Skip(i));
                break;
            }
            string name = arg, value = "";
            bool hasValue = false;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('='))
            {
                name = arg[..arg.IndexOf('=')];
                value = arg[(arg.IndexOf('=') + 1)..];
                hasValue = true;
            }
            else if (!arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                // -it: every letter a switch; -eA=B: a short flag with its value attached.
                if (arg.Skip(1).All(c => switches.Contains("-" + c)))
                {
                    foreach (var c in arg.Skip(1)) result._switches.Add("-" + c);
                    continue;
                }
                name = arg[..2];
                value = arg[2..];
                hasValue = true;
            }
            if (switches.Contains(name))
            {
                result._switches.Add(name);
                continue;
            }
            if (!valued.Contains(name))
                throw new CliException($"unknown flag: {name} (see 'minidocker {command} --help')");
            if (!hasValue)
            {
                if (++i >= args.Count) throw new CliException($"flag needs an argument: {name} (see 'minidocker {command} --help')");
                value = args[i];
            }
            if (!result._values.TryGetValue(name, out var list)) result._values[name] = list = [];
            list.Add(value);
        }
        return result;
    }

    public bool Has(params string[] names) => names.Any(_switches.Contains);

    public string? Value(params string[] names) => names.SelectMany(n => _values.GetValueOrDefault(n) ?? []).LastOrDefault();

    public IReadOnlyList<string> Values(params string[] names) => [.. names.SelectMany(n => _values.GetValueOrDefault(n) ?? [])];
}
