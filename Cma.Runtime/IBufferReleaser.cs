namespace Cma.Runtime;

/// <summary>
/// What a <see cref="CmaBuffer"/> knows of the host that handed it out: the one call that frees its chunk. The host
/// creates buffers and keeps their registry (and retires a buffer whose chunk is freed by address); the buffer only
/// asks to be released, so it needs nothing else of the host.
/// </summary>
internal interface IBufferReleaser
{
    /// <summary>The object name an <see cref="ObjectDisposedException"/> gives when a buffer is used after its host was
    /// disposed.</summary>
    const string HostObjectName = "CmaService";

    /// <summary>Frees <paramref name="handle"/>'s chunk if it still owns it (it was not retired by a free by address);
    /// returns the guard overrun found, if any (reported already). Does nothing after the host is disposed. Never
    /// throws.</summary>
    CmaGuardOverrun? Release(CmaBuffer handle);
}
