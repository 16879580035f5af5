namespace MiniDocker.Server.Events;

/// <summary>A container event as <c>docker events</c> shows it: Docker's action name and the actor's attributes.</summary>
internal sealed record ServerEvent(string Action, string Id, string Name, string Image, DateTimeOffset Time, int? ExitCode)
{
    public bool Matches(IReadOnlyDictionary<string, IReadOnlyList<string>> filters) =>
        Has(filters, "type", "container")
        && Has(filters, "event", Action)
        && (!filters.TryGetValue("container", out var containers) || containers.Any(c => Id.StartsWith(c, StringComparison.Ordinal) || c == Name))
        && Has(filters, "image", Image);

    private static bool Has(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, string key, string value) =>
        !filters.TryGetValue(key, out var values) || values.Contains(value);

    /// <summary>The JSON the Engine API streams for it.</summary>
    public object ToDocker()
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["name"] = Name, ["image"] = Image };
        if (ExitCode is { } code) attributes["exitCode"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        long nanoseconds = (Time - DateTimeOffset.UnixEpoch).Ticks * 100;
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["status"] = Action, ["id"] = Id, ["from"] = Image, ["Type"] = "container", ["Action"] = Action,
            ["Actor"] = new { ID = Id, Attributes = attributes }, ["scope"] = "local",
            ["time"] = Time.ToUnixTimeSeconds(), ["timeNano"] = nanoseconds,
        };
    }
}
