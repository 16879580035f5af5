using MiniDocker.Namespaces;
using MiniDocker.Spec;

namespace MiniDocker.Execution;

/// <summary>Checks a runtime specification before anything is created, with messages that say what to change.</summary>
internal static class SpecValidator
{
    public static void Validate(RuntimeSpec spec)
    {
        var root = spec.Root ?? throw Invalid("The specification has no root; give the container a root filesystem.");
        if (!Path.IsPathFullyQualified(root.Path))
            throw Invalid($"The root filesystem path \"{root.Path}\" is relative; give an absolute host path.");
        if (!Directory.Exists(root.Path))
            throw Invalid($"The root filesystem {root.Path} does not exist or is not a directory on the host.");
        ValidateProcess(spec.Process ?? throw Invalid("The specification has no process; give the container a command."));

        var seen = new HashSet<NamespaceType>();
        foreach (var ns in spec.Linux?.Namespaces ?? [])
        {
            NamespaceType type;
            try
            {
                type = NamespaceTypeExtensions.FromOciName(ns.Type);
            }
            catch (ArgumentException e)
            {
                throw Invalid(e.Message);
            }
            if (!seen.Add(type)) throw Invalid($"The {ns.Type} namespace is listed twice.");
            if (ns.Path is { Length: > 0 } path && !File.Exists(path))
                throw Invalid($"The {ns.Type} namespace to join, {path}, does not exist; is the process it belonged to still running?");
        }
        ValidateUserNamespace(spec, seen);
        foreach (var path in (spec.Linux?.MaskedPaths ?? []).Concat(spec.Linux?.ReadonlyPaths ?? []))
        {
            if (!path.StartsWith('/'))
                throw Invalid($"The masked or read-only path \"{path}\" is relative; give an absolute path inside the container.");
        }
        if (!seen.Contains(NamespaceType.Mount))
            throw Invalid("A container needs its own mount namespace to change its root; add NamespaceType.Mount.");
        if (spec.Hostname is not null && !seen.Contains(NamespaceType.Uts))
            throw Invalid($"Setting the hostname \"{spec.Hostname}\" needs a UTS namespace of the container's own; add NamespaceType.Uts.");
        if (spec.Hostname is { Length: > 64 } || spec.Hostname is { Length: 0 })
            throw Invalid($"The hostname \"{spec.Hostname}\" must have 1 to 64 characters.");

        foreach (var mount in spec.Mounts)
        {
            if (!mount.Destination.StartsWith('/'))
                throw Invalid($"The mount destination \"{mount.Destination}\" is relative; give an absolute path inside the container.");
            var options = MountOptions.Parse(mount.Options);
            if (options.Bind || mount.Type == "bind")
            {
                if (mount.Source is null || !Path.IsPathFullyQualified(mount.Source))
                    throw Invalid($"The bind mount source \"{mount.Source}\" for {mount.Destination} is not an absolute host path.");
                if (!File.Exists(mount.Source) && !Directory.Exists(mount.Source))
                    throw Invalid($"The bind mount source {mount.Source} (for {mount.Destination}) does not exist on the host; create it first.");
            }
        }
    }

    private static void ValidateUserNamespace(RuntimeSpec spec, HashSet<NamespaceType> namespaces)
    {
        var linux = spec.Linux ?? new LinuxSpec();
        bool ownUserNamespace = linux.Namespaces.Any(n => n.Type == "user" && string.IsNullOrEmpty(n.Path));
        bool mapped = linux.UidMappings.Count > 0 || linux.GidMappings.Count > 0;
        if (mapped && !ownUserNamespace)
            throw Invalid("uid/gid mappings apply to a user namespace of the container's own; add NamespaceType.User.");
        if (!ownUserNamespace) return;
        if (linux.UidMappings.Count == 0 || linux.GidMappings.Count == 0)
            throw Invalid("A user namespace needs both a uid and a gid mapping; give them with WithUserNamespace(...).");
        foreach (var (name, maps) in new[] { ("uid", linux.UidMappings), ("gid", linux.GidMappings) })
        {
            if (maps.Count > 340) throw Invalid($"The {name} map has {maps.Count} ranges; the kernel takes at most 340.");
            foreach (var m in maps)
            {
                if (m.Size == 0) throw Invalid($"The {name} mapping {m.ContainerId} {m.HostId} {m.Size} covers no ids.");
                if ((ulong)m.HostId + m.Size > uint.MaxValue || (ulong)m.ContainerId + m.Size > uint.MaxValue)
                    throw Invalid($"The {name} mapping {m.ContainerId} {m.HostId} {m.Size} runs past the last id.");
            }
            var sorted = maps.OrderBy(m => m.ContainerId).ToList();
            for (int i = 1; i < sorted.Count; i++)
            {
                if ((ulong)sorted[i - 1].ContainerId + sorted[i - 1].Size > sorted[i].ContainerId)
                    throw Invalid($"The {name} mappings starting at container ids {sorted[i - 1].ContainerId} and {sorted[i].ContainerId} overlap.");
            }
        }
        var process = spec.Process!;
        if (!Mapped(linux.UidMappings, process.User.Uid))
            throw Invalid($"The container's uid {process.User.Uid} is not in its uid map, so the process could not run as it; extend the map or choose another uid.");
        if (!Mapped(linux.GidMappings, process.User.Gid) || process.User.AdditionalGids.Any(g => !Mapped(linux.GidMappings, g)))
            throw Invalid("The container's gid or a supplementary group is not in its gid map; extend the map or choose other groups.");
        if (!Mapped(linux.UidMappings, 0) || !Mapped(linux.GidMappings, 0))
            throw Invalid("The user namespace must map container uid and gid 0: the container is set up as its root.");
        _ = namespaces;
    }

    private static bool Mapped(IList<IdMappingSpec> maps, uint id) => maps.Any(m => id >= m.ContainerId && id - m.ContainerId < m.Size);

    public static void ValidateProcess(ProcessSpec process)
    {
        if (process.Args.Count == 0 || string.IsNullOrEmpty(process.Args[0]))
            throw Invalid("The container has no command; give one with WithCommand(...).");
        if (!process.Cwd.StartsWith('/'))
            throw Invalid($"The working directory \"{process.Cwd}\" is relative; give an absolute path inside the container.");
        if (process.User.Uid == uint.MaxValue || process.User.Gid == uint.MaxValue || process.User.AdditionalGids.Contains(uint.MaxValue))
            throw Invalid("uid and gid 4294967295 are reserved by the kernel (they mean \"no change\"); use 0 to 4294967294.");
        foreach (var variable in process.Env)
        {
            if (!variable.Contains('=', StringComparison.Ordinal) || variable.StartsWith('='))
                throw Invalid($"The environment entry \"{variable}\" is not NAME=value.");
        }
        foreach (var rlimit in process.Rlimits)
        {
            if (Rlimits.Resource(rlimit.Type) < 0)
                throw Invalid($"\"{rlimit.Type}\" is not a resource limit; use one of {string.Join(", ", Rlimits.All)}.");
            if (rlimit.Soft > rlimit.Hard)
                throw Invalid($"The soft {rlimit.Type} limit {rlimit.Soft} is above the hard limit {rlimit.Hard}.");
        }
    }

    private static ContainerConfigurationException Invalid(string message) => new(message);
}
