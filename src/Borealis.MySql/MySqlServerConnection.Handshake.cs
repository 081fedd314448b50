using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Borealis.MySql.Auth;
using Borealis.MySql.Packets;
using Borealis.MySql.Protocol;
using Borealis.Sql;
using Borealis.Sql.Errors;
using Borealis.Sql.Results;

namespace Borealis.MySql;

/// <summary>The connection phase: greeting, optional TLS upgrade, authentication, session creation.</summary>
internal sealed partial class MySqlServerConnection
{
    const CapabilityFlags ServerCapabilities = CapabilityFlags.LongPassword | CapabilityFlags.FoundRows
        | CapabilityFlags.LongFlag | CapabilityFlags.ConnectWithDb | CapabilityFlags.IgnoreSpace
        | CapabilityFlags.Protocol41 | CapabilityFlags.Interactive | CapabilityFlags.IgnoreSigpipe
        | CapabilityFlags.Transactions | CapabilityFlags.Reserved | CapabilityFlags.SecureConnection
        | CapabilityFlags.MultiStatements | CapabilityFlags.MultiResults | CapabilityFlags.PsMultiResults
        | CapabilityFlags.PluginAuth | CapabilityFlags.ConnectAttrs | CapabilityFlags.PluginAuthLengthEncodedClientData
        | CapabilityFlags.CanHandleExpiredPasswords | CapabilityFlags.DeprecateEof;

    const int ScrambleLength = 20;

    byte[] _scramble = [];
    bool _isSecure;
    string _user = "";
    bool _usedPassword;

    /// <summary>Runs the connection phase; false when the client was refused (an ERR has been sent).</summary>
    async Task<bool> HandshakeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ConnectTimeout);
        var token = timeout.Token;

        _scramble = CreateScramble();
        var network = new NetworkStream(_socket, ownsSocket: false);
        _stream = network;
        var networkWriter = PipeWriter.Create(network, PacketOutput.WriterOptions);
        _output = new PacketOutput(networkWriter);
        if (_tooMany)
        {
            WriteError(MySqlErrors.TooManyConnections());
            await FlushAsync(token);
            return false;
        }

        var certificate = Options.Certificate;
        var offered = ServerCapabilities | (certificate is null ? CapabilityFlags.None : CapabilityFlags.Ssl);
        var greeting = new HandshakeV10Packet(Options.ServerVersion, Id, _scramble, offered, (byte)CharacterSets.Utf8mb4General,
            ServerStatus.Autocommit, AuthPlugins.IsSupported(Options.DefaultAuthPlugin) ? Options.DefaultAuthPlugin : AuthPlugins.CachingSha2Password);
        var writer = _output.BeginPacket();
        greeting.Write(ref writer);
        _output.EndPacket();
        await FlushAsync(token);

        HandshakeResponse41Packet response;
        using (var first = await ReadHandshakePacketAsync(network, 1, token))
        {
            if (SslRequestPacket.IsSslRequest(first.Payload))
            {
                if (certificate is null)
                    ProtocolViolationException.ThrowBadHandshake();
                await networkWriter.CompleteAsync();
                var ssl = new SslStream(network, leaveInnerStreamOpen: false);
                _stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, token);
                _isSecure = true;
                _output.Replace(PipeWriter.Create(ssl, PacketOutput.WriterOptions));
                using var second = await ReadHandshakePacketAsync(ssl, 2, token);
                response = ReadHandshakeResponse(second.Payload);
                _output.SequenceId = 3;
            }
            else
            {
                response = ReadHandshakeResponse(first.Payload);
                _output.SequenceId = 2;
            }
        }
        _capabilities = response.Capabilities & offered;
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _user = response.User;

        try
        {
            if (Options.RequireSecureTransport && !_isSecure)
                throw MySqlErrors.SecureTransportRequired();
            if (!await AuthenticateAsync(response, token))
            {
                Log.AuthenticationFailed(_server.Logger, Id, _user);
                throw MySqlErrors.LoginDenied(_user, _remoteHost, _usedPassword);
            }
            _session = _server.CreateSession(new SessionInfo(Id, _user, _remote, response.Database, FoundRows));
            if (response.Database is { } database)
                _session.UseDatabase(database);
        }
        catch (MySqlErrorException ex)
        {
            WriteError(ex);
            await FlushAsync(token);
            return false;
        }
        catch (Exception ex) when (ex is not ProtocolViolationException && !IsTransportFailure(ex))
        {
            Log.SessionFault(_server.Logger, Id, ex);
            WriteError(MySqlErrors.Internal(ex.Message));
            await FlushAsync(token);
            return false;
        }

        _multiStatements = (_capabilities & CapabilityFlags.MultiStatements) != 0;
        SetIdle();
        WriteOk();
        await FlushAsync(token);
        return true;
    }

    static HandshakeResponse41Packet ReadHandshakeResponse(ReadOnlySpan<byte> payload)
    {
        try
        {
            return HandshakeResponse41Packet.Read(payload);
        }
        catch (ProtocolViolationException)
        {
            ProtocolViolationException.ThrowBadHandshake();
            throw;
        }
    }

    /// <summary>Printable random bytes without NUL or '$', as MySQL's scrambles are.</summary>
    static byte[] CreateScramble()
    {
        var scramble = new byte[ScrambleLength];
        for (var i = 0; i < scramble.Length; i++)
        {
            byte b;
            do
                b = (byte)RandomNumberGenerator.GetInt32(0x21, 0x7f);
            while (b == (byte)'$');
            scramble[i] = b;
        }
        return scramble;
    }

    /// <summary>Checks the client's credentials, switching plugin when the account uses another one.</summary>
    async Task<bool> AuthenticateAsync(HandshakeResponse41Packet response, CancellationToken cancellationToken)
    {
        var found = Options.Users.TryGetUser(response.User, out var account);
        var clientPlugin = response.AuthPluginName
            ?? ((response.Capabilities & CapabilityFlags.PluginAuth) != 0 ? Options.DefaultAuthPlugin : AuthPlugins.NativePassword);
        var plugin = found ? account!.DefaultPlugin
            : AuthPlugins.IsSupported(clientPlugin) ? clientPlugin : AuthPlugins.CachingSha2Password;
        var authData = response.AuthResponse;

        if (!string.Equals(clientPlugin, plugin, StringComparison.Ordinal))
        {
            if ((_capabilities & CapabilityFlags.PluginAuth) == 0)
                throw MySqlErrors.AuthModeNotSupported();
            var writer = Output.BeginPacket();
            new AuthSwitchRequestPacket(plugin, _scramble).Write(ref writer);
            Output.EndPacket();
            await FlushAsync(cancellationToken);
            using var reply = await ReadAuthPacketAsync(cancellationToken);
            authData = reply.Payload.ToArray();
        }

        _usedPassword = authData.Length > 0 && authData is not [0];
        if (!found || account is null)
            return false;
        if (plugin == AuthPlugins.NativePassword)
            return NativePassword.Verify(_scramble, authData, account.NativePasswordHash);
        return await AuthenticateCachingSha2Async(account, authData, cancellationToken);
    }

    async Task<bool> AuthenticateCachingSha2Async(UserAccount account, byte[] authData, CancellationToken cancellationToken)
    {
        var hash = account.Sha256PasswordHash;
        if (authData.Length == 0 || (authData.Length == 1 && authData[0] == 0))
            return hash.Length == 0;
        if (hash.Length == 0)
            return false;

        if (CachingSha2Password.VerifyFast(_scramble, authData, hash)
            && (!Options.CachingSha2FullAuthenticationFirst || _server.IsSha2Cached(account.Name, hash)))
        {
            WriteAuthMoreData([CachingSha2Password.FastAuthSuccess]);
            return true;
        }

        WriteAuthMoreData([CachingSha2Password.PerformFullAuthentication]);
        await FlushAsync(cancellationToken);
        using var reply = await ReadAuthPacketAsync(cancellationToken);
        byte[] password;
        if (_isSecure)
        {
            password = CachingSha2Password.TrimNul(reply.Payload).ToArray();
        }
        else
        {
            var encrypted = reply.Payload.ToArray();
            if (encrypted is [CachingSha2Password.RequestPublicKey])
            {
                WriteAuthMoreData(_server.RsaPublicKeyPem);
                await FlushAsync(cancellationToken);
                using var encryptedReply = await ReadAuthPacketAsync(cancellationToken);
                encrypted = encryptedReply.Payload.ToArray();
            }
            if (!CachingSha2Password.TryDecryptPassword(_server.RsaKey, encrypted, _scramble, out password))
                return false;
        }
        if (!CachingSha2Password.VerifyClear(password, hash))
            return false;
        _server.AddSha2Cache(account.Name, hash);
        return true;
    }

    void WriteAuthMoreData(ReadOnlySpan<byte> data)
    {
        var writer = Output.BeginPacket();
        AuthMoreDataPacket.Write(ref writer, data);
        Output.EndPacket();
    }

    /// <summary>The client's next packet in the authentication exchange (sequence ids continue from the server's last).</summary>
    async Task<Packet> ReadAuthPacketAsync(CancellationToken cancellationToken)
    {
        var packet = await ReadPacketAsync(Output.SequenceId, cancellationToken)
            ?? throw new IOException("The client closed the connection during authentication.");
        Output.SequenceId = (byte)(packet.LastSequenceId + 1);
        return packet;
    }
}
