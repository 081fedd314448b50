namespace Borealis.Control;

/// <summary>A request the control plane refuses; <see cref="StatusCode"/> is what the API answers with.</summary>
public sealed class ControlException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static ControlException BadRequest(string message) => new(400, message);

    public static ControlException NotFound(string message) => new(404, message);

    public static ControlException Conflict(string message) => new(409, message);
}
