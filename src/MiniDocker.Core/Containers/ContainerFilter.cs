namespace MiniDocker.Containers;

/// <summary>
/// Which containers <see cref="ContainerCollection.ListAsync(ContainerFilter, CancellationToken)"/>
/// returns, as <c>docker ps --all --filter</c> chooses them; every condition set must hold.
/// </summary>
public sealed record ContainerFilter
{
    /// <summary>Exited and created containers too, not only running and paused ones (<c>--all</c>); implied by <see cref="Status"/>.</summary>
    public bool All { get; init; }

    /// <summary>Containers whose name contains this (<c>name=</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Containers whose id starts with this (<c>id=</c>).</summary>
    public string? Id { get; init; }

    /// <summary>Containers in this state (<c>status=</c>).</summary>
    public ContainerStatus? Status { get; init; }

    /// <summary>Containers run from this image, as it was named or by id (<c>ancestor=</c>).</summary>
    public string? Image { get; init; }

    /// <summary>Containers with each of these labels: with that value, or any value when it is null (<c>label=key</c>, <c>label=key=value</c>).</summary>
    public IReadOnlyDictionary<string, string?> Labels { get; init; } = new Dictionary<string, string?>();

    /// <summary>Reads Docker's <c>key=value</c> filter syntax (name, id, status, ancestor, label).</summary>
    /// <exception cref="FormatException">A filter Docker would not take, or one not supported here.</exception>
    public ContainerFilter With(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var equals = filter.IndexOf('=');
        if (equals <= 0) throw new FormatException($"Bad filter \"{filter}\": give key=value, such as name=web or label=tier=db.");
        var (key, value) = (filter[..equals], filter[(equals + 1)..]);
        return key switch
        {
            "name" => this with { Name = value },
            "id" => this with { Id = value },
            "ancestor" => this with { Image = value },
            "status" => this with { Status = ParseStatus(value) },
            "label" => this with
            {
                Labels = new Dictionary<string, string?>(Labels)
                {
                    [value.Split('=', 2)[0]] = value.Contains('=') ? value.Split('=', 2)[1] : null,
                },
            },
            _ => throw new FormatException($"The filter \"{key}\" is not supported; use name, id, status, ancestor or label."),
        };
    }

    internal bool Matches(ContainerInfo info)
    {
        if (Status is { } status ? info.Status != status : !All && info.Status is not (ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Unknown))
            return false;
        if (Name is not null && !info.Name.Contains(Name, StringComparison.Ordinal)) return false;
        if (Id is not null && !info.Id.StartsWith(Id, StringComparison.Ordinal)) return false;
        if (Image is not null && info.Image != Image && info.ImageId != Image && info.ImageId?.Replace("sha256:", "", StringComparison.Ordinal).StartsWith(Image, StringComparison.Ordinal) != true)
            return false;
        return Labels.All(l => info.Labels.TryGetValue(l.Key, out var value) && (l.Value is null || l.Value == value));
    }

    private static ContainerStatus ParseStatus(string value) => value switch
    {
        "created" => ContainerStatus.Created,
        "running" => ContainerStatus.Running,
        "paused" => ContainerStatus.Paused,
        "exited" => ContainerStatus.Exited,
        _ => throw new FormatException($"The status \"{value}\" is not one of created, running, paused or exited."),
    };
}
