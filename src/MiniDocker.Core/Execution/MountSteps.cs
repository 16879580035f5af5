using MiniDocker.Interop;

namespace MiniDocker.Execution;

/// <summary>Sets the propagation of every mount, so nothing the container mounts reaches the host.</summary>
internal sealed record SetPropagationStep(ulong Flags) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.SetPropagation;

    public override string Describe() => $"mount(NULL, \"/\", NULL, {MountFlags.DescribeMs(Flags)}, NULL)";

    public override void WritePayload(PlanWriter writer) => writer.U64(Flags);
}

/// <summary>
/// Clones the rootfs tree and mounts it over itself so pivot_root can use it. With
/// <paramref name="ReadOnly"/> every mount of the tree becomes read-only at once (the host
/// rootfs, whose submounts must not be writable and whose mount points all exist).
/// </summary>
/// <param name="Path">The rootfs on the host.</param>
/// <param name="ReadOnly">Make every mount of the tree read-only at once.</param>
/// <param name="FromHost">The host passes the cloned tree (idmapped where it can) after "go".</param>
internal sealed record BindRootfsStep(string Path, bool ReadOnly, bool FromHost = false) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.BindRootfs;

    private ulong Attributes => ReadOnly ? MountFlags.MOUNT_ATTR_RDONLY : 0;

    public override string Describe() =>
        (FromHost
            ? $"recvmsg(SCM_RIGHTS) of the host's clone of {Quote(Path)} (idmapped to this user namespace where the filesystem allows)"
            : $"open_tree({Quote(Path)}, OPEN_TREE_CLONE|AT_RECURSIVE)")
        + (ReadOnly ? ", mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY)" : "")
        + $", move_mount(→ {Quote(Path)})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Path);
        writer.U64(Attributes);
        writer.U32(FromHost ? 1u : 0u);
    }

    protected override string Advice(int errno) => errno == Errno.ENOENT
        ? $" The root filesystem {Path} does not exist on the host."
        : "";
}

/// <summary>Makes the root mount read-only once the mounts inside it exist (WithReadOnlyRootfs on an image).</summary>
internal sealed record ReadOnlyRootStep : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.ReadOnlyRoot;

    public override string Describe() => "mount_setattr(rootfs, MOUNT_ATTR_RDONLY)";

    public override void WritePayload(PlanWriter writer)
    {
    }
}

/// <summary>mount(2) of a filesystem on a target resolved inside the container root.</summary>
internal sealed record MountStep(string Source, string Target, string FsType, ulong Flags, string Data, TargetKind Kind) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Mount;

    public override string Describe() =>
        $"mount({Quote(Source)}, {Quote(Target)}, {Quote(FsType)}, {MountFlags.DescribeMs(Flags)}, {(Data.Length == 0 ? "NULL" : Quote(Data))})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Source);
        writer.String(Target);
        writer.String(FsType);
        writer.U64(Flags);
        writer.String(Data);
        writer.U32((uint)Kind);
    }

    protected override string Advice(int errno) => errno switch
    {
        Errno.ELOOP => $" {Target} in the root filesystem is a symbolic link that leads nowhere inside the container; make it a directory.",
        Errno.EROFS => $" {Target} does not exist in the read-only root filesystem; create it in the image or drop WithReadOnlyRootfs().",
        Errno.ENOTDIR => $" {Target} or one of its parents in the root filesystem is not a directory.",
        Errno.EACCES => $" In a user namespace the container's root cannot create {Target} in a root filesystem owned by host users; create it in the image.",
        _ => "",
    };
}

/// <summary>A bind mount made with open_tree/mount_setattr/move_mount, so the attributes apply before it is visible.</summary>
internal sealed record BindMountStep(string Source, string Target, bool Recursive, ulong Attributes, TargetKind Kind) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.BindMount;

    public override string Describe() =>
        $"open_tree({Quote(Source)}, OPEN_TREE_CLONE{(Recursive ? "|AT_RECURSIVE" : "")})"
        + (Attributes != 0 ? $", mount_setattr({MountFlags.DescribeAttributes(Attributes)})" : "")
        + $", move_mount(→ {Quote(Target)})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Source);
        writer.String(Target);
        writer.U32(Recursive ? 1u : 0u);
        writer.U64(Attributes);
        writer.U32((uint)Kind);
    }

    protected override string Advice(int errno) => errno switch
    {
        Errno.ENOENT => $" Check that the host path {Source} exists.",
        Errno.EACCES => $" In a user namespace the container's root cannot create {Target} in a root filesystem owned by host users; create it in the image.",
        Errno.ELOOP => $" {Target} in the root filesystem is a symbolic link that leads nowhere inside the container.",
        Errno.EROFS => $" {Target} does not exist in the read-only root filesystem; create it in the image or drop WithReadOnlyRootfs().",
        _ => "",
    };
}

/// <summary>mknod(2) of a device in the container's /dev, falling back to binding the host's node.</summary>
internal sealed record MknodStep(string Path, uint Mode, uint Major, uint Minor, string FallbackSource) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Mknod;

    public override string Describe() =>
        $"mknod({Quote(Path)}, {((Mode & 0xF000) == 0x6000 ? "S_IFBLK" : (Mode & 0xF000) == 0x1000 ? "S_IFIFO" : "S_IFCHR")}|0{Convert.ToString(Mode & 0xFFF, 8)}, makedev({Major}, {Minor}))";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Path);
        writer.U32(Mode);
        writer.U32(Major);
        writer.U32(Minor);
        writer.String(FallbackSource);
    }
}

/// <summary>symlink(2) inside the container root.</summary>
internal sealed record SymlinkStep(string Target, string LinkPath) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Symlink;

    public override string Describe() => $"symlink({Quote(Target)}, {Quote(LinkPath)})";

    public override void WritePayload(PlanWriter writer)
    {
        writer.String(Target);
        writer.String(LinkPath);
    }
}

/// <summary>Creates a directory and its parents inside the root when missing.</summary>
internal sealed record MkdirStep(string Path) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.Mkdir;

    public override string Describe() => $"mkdir -p {Quote(Path)} (inside the root, RESOLVE_IN_ROOT)";

    public override void WritePayload(PlanWriter writer) => writer.String(Path);

    protected override string Advice(int errno) => errno == Errno.EROFS
        ? $" {Path} does not exist in the read-only root filesystem; create it in the image or drop WithReadOnlyRootfs()."
        : "";
}

/// <summary>Hides a path: a directory under an empty read-only tmpfs, a file under the verified /dev/null. Missing paths are skipped.</summary>
internal sealed record MaskPathStep(string Path) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.MaskPath;

    public override string Describe() =>
        $"mask {Quote(Path)}: directory → mount(\"tmpfs\", MS_RDONLY), file → bind the 1:3 /dev/null (skipped when missing)";

    public override void WritePayload(PlanWriter writer) => writer.String(Path);

    protected override string Advice(int errno) => errno == Errno.ENODEV
        ? " /dev/null in the container is not the null device (1:3), so it cannot be used to mask anything."
        : "";
}

/// <summary>Binds a path onto itself read-only (recursively). Missing paths are skipped.</summary>
internal sealed record ReadOnlyPathStep(string Path) : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.ReadOnlyPath;

    public override string Describe() =>
        $"open_tree({Quote(Path)}, OPEN_TREE_CLONE|AT_RECURSIVE), mount_setattr(MOUNT_ATTR_RDONLY), move_mount(→ itself) (skipped when missing)";

    public override void WritePayload(PlanWriter writer) => writer.String(Path);
}

/// <summary>pivot_root(".", ".") into the rootfs; the old root is made a slave and detached.</summary>
internal sealed record PivotRootStep : PlanStep
{
    public override PlanOpcode Opcode => PlanOpcode.PivotRoot;

    public override string Describe() =>
        "fchdir(rootfs), pivot_root(\".\", \".\"), mount(NULL, \".\", NULL, MS_SLAVE|MS_REC), umount2(\".\", MNT_DETACH), chdir(\"/\")";

    public override void WritePayload(PlanWriter writer)
    {
    }
}
