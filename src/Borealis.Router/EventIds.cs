namespace Borealis.Router;

/// <summary>Event ids of Borealis.Router (6000–6999).</summary>
internal static class EventIds
{
    public const int Listening = 6000;
    public const int Stopped = 6001;
    public const int Routed = 6010;
    public const int ConnectionClosed = 6011;
    public const int ClosedForRoleChange = 6012;
    public const int NoWriter = 6013;
    public const int BackendUnreachable = 6014;
    public const int ConnectionLimit = 6015;
    public const int ConnectionFault = 6016;
    public const int AcceptFault = 6017;
    public const int EndpointsChanged = 6020;
    public const int EndpointsUnavailable = 6021;
    public const int EndpointsAvailableAgain = 6022;
}
