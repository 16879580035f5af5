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
        // Refused rather than half-done: a user namespace without its id maps written by the
        // host would run the container as "nobody" with mounts that fail.
        if (seen.Contains(NamespaceType.User) || spec.Linux?.UidMappings.Count > 0 || spec.Linux?.GidMappings.Count > 0)
            throw Invalid("User namespaces and uid/gid mappings are not supported by this version of MiniDocker yet; leave NamespaceType.User out.");
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
