namespace MiniDocker.Execution;

/// <summary>What stage-0 creates when a mount target does not exist yet.</summary>
internal enum TargetKind : uint
{
    Directory = 0,
    File = 1,
}
