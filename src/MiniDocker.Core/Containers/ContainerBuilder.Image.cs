using System.Collections.Immutable;
using MiniDocker.Images;

namespace MiniDocker.Containers;

/// <summary>Images as a container's root filesystem, and the defaults their config gives.</summary>
public sealed partial class ContainerBuilder
{
    /// <summary>
    /// Runs the container on an image: its layers under a writable layer of the container's own,
    /// and its config's Entrypoint, Cmd, Env, WorkingDir, User, Labels, ExposedPorts and
    /// StopSignal as defaults that the builder's own calls override, as <c>docker run</c>'s flags do
    /// (a command replaces Cmd; an entrypoint replaces Entrypoint and clears Cmd).
    /// </summary>
    public ContainerBuilder WithImage(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return With(_settings with { Image = image, Rootfs = image.LayerDirectories.Count > 0 ? image.LayerDirectories[0] : "/", HostRootfs = false });
    }

    /// <summary>Runs the container on an image from the engine's store, found by reference or id.</summary>
    /// <exception cref="ImageNotFoundException">The store has no such image; pull it first.</exception>
    /// <exception cref="InvalidOperationException">The builder has no engine to find images in.</exception>
    public ContainerBuilder WithImage(string nameOrId)
    {
        var engine = _engine ?? throw new InvalidOperationException("This builder has no engine to find images in; create it with ContainerEngine.CreateContainer() or pass an Image.");
        return WithImage(engine.Images.GetAsync(nameOrId).GetAwaiter().GetResult());
    }

    /// <summary>Replaces the image's Entrypoint (and, as <c>docker run --entrypoint</c> does, its Cmd).</summary>
    public ContainerBuilder WithEntrypoint(params string[] entrypoint) => With(_settings with { Entrypoint = [.. entrypoint] });

    /// <summary>Runs as a user given as Docker does: <c>name</c>, <c>uid</c>, <c>name:group</c> or <c>uid:gid</c>, resolved through the image's /etc/passwd and /etc/group.</summary>
    public ContainerBuilder WithUser(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        return With(_settings with { UserName = user, UserSet = true });
    }

    /// <summary>Adds a label (on top of the image's).</summary>
    public ContainerBuilder WithLabel(string name, string value) => With(_settings with { Labels = _settings.Labels.SetItem(name, value) });

    /// <summary>The signal <see cref="Container.StopAsync"/> sends first, instead of the image's StopSignal or SIGTERM.</summary>
    public ContainerBuilder WithStopSignal(Signal signal) => With(_settings with { StopSignal = signal });

    private static Settings ApplyImage(Settings s, Image image)
    {
        var config = image.Config.Config ?? new ImageRuntimeConfig();
        var entrypoint = s.Entrypoint ?? [.. config.Entrypoint ?? []];
        var cmd = s.CommandSet ? s.Command : s.Entrypoint is not null ? [] : [.. config.Cmd ?? []];
        var command = entrypoint.AddRange(cmd);
        if (command.IsEmpty)
            throw new ContainerConfigurationException($"The image {Describe(image)} has no Entrypoint or Cmd, and none was given; give the command with WithCommand(...).");

        var environment = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        foreach (var variable in config.Env ?? [])
        {
            var equals = variable.IndexOf('=');
            environment = equals > 0 ? environment.SetItem(variable[..equals], variable[(equals + 1)..]) : environment;
        }
        s = s with
        {
            Command = command,
            Environment = environment.SetItems(s.Environment),
            WorkingDirectory = s.WorkingDirectorySet ? s.WorkingDirectory : string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir,
            Labels = (config.Labels ?? ImmutableDictionary<string, string>.Empty).Aggregate(
                ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal), (l, kv) => l.SetItem(kv.Key, kv.Value)).SetItems(s.Labels),
            ExposedPorts = [.. (config.ExposedPorts?.Keys ?? []).Order(StringComparer.Ordinal)],
            StopSignal = s.StopSignal ?? ParseSignal(config.StopSignal, image),
        };
        var user = s.UserName ?? (s.UserSet ? null : config.User);
        return string.IsNullOrEmpty(user) ? s : WithResolvedUser(s, user, image.LayerDirectories);
    }

    private static Settings WithResolvedUser(Settings s, string user, IReadOnlyList<string> rootsTopFirst)
    {
        var resolved = ImageUser.Resolve(user, rootsTopFirst);
        var environment = s.Environment;
        if (resolved.Home is { Length: > 0 } home && !environment.ContainsKey("HOME")) environment = environment.SetItem("HOME", home);
        return s with { Uid = resolved.Uid, Gid = resolved.Gid, Groups = [.. resolved.Groups], Environment = environment };
    }

    private static Signal? ParseSignal(string? text, Image image)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text.ToUpperInvariant() : "SIG" + text.ToUpperInvariant();
        if (Enum.TryParse<Signal>(name, out var signal) && Enum.IsDefined(signal)) return signal;
        if (int.TryParse(text, out var number) && Enum.IsDefined((Signal)number)) return (Signal)number;
        throw new ContainerConfigurationException($"The image {Describe(image)} names the stop signal \"{text}\", which is not one this engine knows; override it with WithStopSignal(...).");
    }

    private static string Describe(Image image) => image.Tags.Count > 0 ? image.Tags[0] : image.Id.ToString();
}
