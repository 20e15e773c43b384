namespace Cma.Plugins.Buddy;

/// <summary>What <see cref="FreeBlockSet.ForEach"/> calls for each free block; a struct, so no closure is allocated.</summary>
internal interface IFreeBlockVisitor
{
    /// <summary>Called with a free block's start index and order.</summary>
    void Visit(ulong index, int order);
}
