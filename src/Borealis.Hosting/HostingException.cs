namespace Borealis.Hosting;

/// <summary>An operator-facing failure: the message is printed as one line ("error: ...") and the command exits 1.</summary>
public sealed class HostingException : Exception
{
    public HostingException(string message)
        : base(message)
    {
    }

    public HostingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
