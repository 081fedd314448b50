namespace Borealis.MySql;

/// <summary>Event ids of Borealis.MySql (5000–5999).</summary>
internal static class EventIds
{
    public const int Listening = 5000;
    public const int Stopped = 5001;
    public const int ConnectionOpened = 5010;
    public const int ConnectionClosed = 5011;
    public const int ProtocolViolation = 5020;
    public const int AuthenticationFailed = 5021;
    public const int TransportError = 5022;
    public const int SessionFault = 5030;
    public const int ConnectionFault = 5031;
    public const int AcceptFault = 5032;
}
