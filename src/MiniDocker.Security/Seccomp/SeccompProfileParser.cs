using System.Text.Json;
using MiniDocker.Security.Capabilities;

namespace MiniDocker.Security.Seccomp;

/// <summary>Reads Docker's and the OCI specification's seccomp JSON, naming the entry of every error.</summary>
internal static class SeccompProfileParser
{
    private static readonly Dictionary<string, SeccompAction> Actions = new(StringComparer.Ordinal)
    {
        ["SCMP_ACT_ALLOW"] = SeccompAction.Allow,
        ["SCMP_ACT_ERRNO"] = SeccompAction.Errno,
        ["SCMP_ACT_KILL_PROCESS"] = SeccompAction.KillProcess,
        ["SCMP_ACT_KILL"] = SeccompAction.KillThread,
        ["SCMP_ACT_KILL_THREAD"] = SeccompAction.KillThread,
        ["SCMP_ACT_TRAP"] = SeccompAction.Trap,
        ["SCMP_ACT_TRACE"] = SeccompAction.Trace,
        ["SCMP_ACT_LOG"] = SeccompAction.Log,
        ["SCMP_ACT_NOTIFY"] = SeccompAction.UserNotify,
    };

    private static readonly Dictionary<string, SeccompOperator> Operators = new(StringComparer.Ordinal)
    {
        ["SCMP_CMP_NE"] = SeccompOperator.NotEqual,
        ["SCMP_CMP_LT"] = SeccompOperator.LessThan,
        ["SCMP_CMP_LE"] = SeccompOperator.LessOrEqual,
        ["SCMP_CMP_EQ"] = SeccompOperator.Equal,
        ["SCMP_CMP_GE"] = SeccompOperator.GreaterOrEqual,
        ["SCMP_CMP_GT"] = SeccompOperator.GreaterThan,
        ["SCMP_CMP_MASKED_EQ"] = SeccompOperator.MaskedEqual,
    };

    public static string ActionName(SeccompAction action) => action switch
    {
        SeccompAction.KillThread => "SCMP_ACT_KILL_THREAD",
        _ => Actions.First(kv => kv.Value == action).Key,
    };

    public static string OperatorName(SeccompOperator op) => Operators.First(kv => kv.Value == op).Key;

    public static SeccompProfile Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SeccompProfileException($"The seccomp profile is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new SeccompProfileException("The seccomp profile must be a JSON object.");
            var defaultAction = Action(Required(root, "defaultAction", "the profile"), "defaultAction");
            var rules = new List<SeccompRule>();
            if (root.TryGetProperty("syscalls", out var syscalls) && syscalls.ValueKind != JsonValueKind.Null)
            {
                int i = 0;
                foreach (var entry in syscalls.EnumerateArray())
                    rules.Add(Rule(entry, i++, rules));
            }
            return new SeccompProfile
            {
                DefaultAction = defaultAction,
                DefaultErrnoRet = root.TryGetProperty("defaultErrnoRet", out var errno) ? errno.GetUInt32() : null,
                Architectures = root.TryGetProperty("architectures", out var arches) ? [.. arches.EnumerateArray().Select(a => a.GetString()!)] : [],
                Syscalls = rules,
            };
        }
    }

    private static SeccompRule Rule(JsonElement entry, int index, List<SeccompRule> earlier)
    {
        var names = new List<string>();
        if (entry.TryGetProperty("names", out var list)) names.AddRange(list.EnumerateArray().Select(n => n.GetString() ?? ""));
        if (entry.TryGetProperty("name", out var single)) names.Add(single.GetString() ?? "");
        var where = $"syscalls[{index}] ({string.Join(", ", names.Select(n => $"\"{n}\""))})";
        if (names.Count == 0) throw new SeccompProfileException($"syscalls[{index}] names no syscall; give \"names\": [...].");
        foreach (var name in names)
        {
            if (!SyscallTables.X86_64.ContainsKey(name) && !SyscallTables.AArch64.ContainsKey(name) && !SyscallTables.KnownElsewhere.Contains(name))
                throw new SeccompProfileException($"{where}: \"{name}\" is not a syscall on any architecture MiniDocker knows.");
        }
        var rule = new SeccompRule
        {
            Names = names,
            Action = Action(Required(entry, "action", where), where),
            ErrnoRet = entry.TryGetProperty("errnoRet", out var errno) && errno.ValueKind == JsonValueKind.Number ? errno.GetUInt32() : null,
            Arguments = entry.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array
                ? [.. args.EnumerateArray().Select((a, i) => Argument(a, $"{where} args[{i}]"))]
                : [],
            Includes = Filter(entry, "includes", where),
            Excludes = Filter(entry, "excludes", where),
        };
        foreach (var (other, otherIndex) in earlier.Select((r, i) => (r, i)))
        {
            var shared = other.Names.Intersect(rule.Names).FirstOrDefault();
            if (shared is not null && other.Arguments.SequenceEqual(rule.Arguments) && SameFilter(other.Includes, rule.Includes) && SameFilter(other.Excludes, rule.Excludes))
                throw new SeccompProfileException($"{where}: \"{shared}\" already has a rule with the same arguments and conditions in syscalls[{otherIndex}]; remove one.");
        }
        return rule;
    }

    private static SeccompArgumentCondition Argument(JsonElement arg, string where)
    {
        var index = arg.TryGetProperty("index", out var i) ? i.GetUInt32() : throw new SeccompProfileException($"{where}: \"index\" is missing.");
        if (index > 5) throw new SeccompProfileException($"{where}: argument index {index} is out of range; syscalls have arguments 0 to 5.");
        var opName = Required(arg, "op", where);
        if (!Operators.TryGetValue(opName, out var op))
            throw new SeccompProfileException($"{where}: unknown operator \"{opName}\"; use one of {string.Join(", ", Operators.Keys)}.");
        return new SeccompArgumentCondition(
            index,
            arg.TryGetProperty("value", out var v) ? v.GetUInt64() : 0,
            op,
            arg.TryGetProperty("valueTwo", out var v2) ? v2.GetUInt64() : 0);
    }

    private static SeccompRuleFilter Filter(JsonElement entry, string property, string where)
    {
        if (!entry.TryGetProperty(property, out var filter) || filter.ValueKind != JsonValueKind.Object) return new();
        var caps = filter.TryGetProperty("caps", out var c) ? c.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        foreach (var cap in caps)
        {
            try
            {
                _ = CapabilitySet.Parse(cap);
            }
            catch (FormatException e)
            {
                throw new SeccompProfileException($"{where} {property}: {e.Message}", e);
            }
        }
        return new SeccompRuleFilter
        {
            Capabilities = caps,
            Architectures = filter.TryGetProperty("arches", out var a) ? [.. a.EnumerateArray().Select(x => x.GetString()!)] : [],
            MinKernel = filter.TryGetProperty("minKernel", out var k) ? k.GetString() : null,
        };
    }

    private static bool SameFilter(SeccompRuleFilter a, SeccompRuleFilter b) =>
        a.Capabilities.SequenceEqual(b.Capabilities) && a.Architectures.SequenceEqual(b.Architectures) && a.MinKernel == b.MinKernel;

    private static SeccompAction Action(string name, string where) =>
        Actions.TryGetValue(name, out var action)
            ? action
            : throw new SeccompProfileException($"{where}: unknown action \"{name}\"; use one of {string.Join(", ", Actions.Keys)}.");

    private static string Required(JsonElement element, string property, string where) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new SeccompProfileException($"{where}: \"{property}\" is missing or not a string.");
}
