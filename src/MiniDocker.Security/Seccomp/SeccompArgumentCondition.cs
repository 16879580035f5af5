namespace MiniDocker.Security.Seccomp;

/// <summary>A condition on one syscall argument.</summary>
/// <param name="Index">The argument, 0 to 5.</param>
/// <param name="Value">The value compared against (the mask for <see cref="SeccompOperator.MaskedEqual"/>).</param>
/// <param name="Operator">The comparison.</param>
/// <param name="ValueTwo">For <see cref="SeccompOperator.MaskedEqual"/>: the value the masked argument must equal.</param>
public sealed record SeccompArgumentCondition(uint Index, ulong Value, SeccompOperator Operator, ulong ValueTwo = 0);
