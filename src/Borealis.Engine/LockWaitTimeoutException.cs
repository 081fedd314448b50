namespace Borealis.Engine;

/// <summary>The write lock was not granted within <see cref="DatabaseOptions.LockWaitTimeout"/> (MySQL error 1205).</summary>
public sealed class LockWaitTimeoutException : TimeoutException
{
    public LockWaitTimeoutException()
        : base("Lock wait timeout exceeded; try restarting transaction")
    {
    }
}
