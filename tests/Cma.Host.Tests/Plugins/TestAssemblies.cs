using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Cma.Host.Tests.Plugins;

/// <summary>Tiny plugin assemblies written at test time, for the catalog's refusals that need a real DLL.</summary>
internal static class TestAssemblies
{
    /// <summary>Writes <c>&lt;dir&gt;/&lt;name&gt;/&lt;name&gt;.dll</c>: an assembly with no types that references
    /// <c>Cma.Abstractions</c> at <paramref name="contractVersion"/> (and <c>Cma.ICmaAllocatorProvider</c> in it).</summary>
    public static string WriteContractReference(string dir, string name, Version contractVersion)
    {
        var metadata = new MetadataBuilder();
        metadata.AddModule(0, metadata.GetOrAddString(name + ".dll"), metadata.GetOrAddGuid(Guid.NewGuid()), default, default);
        metadata.AddAssembly(metadata.GetOrAddString(name), new Version(1, 0, 0, 0), default, default, default, AssemblyHashAlgorithm.Sha1);
        AssemblyReferenceHandle contract = metadata.AddAssemblyReference(
            metadata.GetOrAddString("Cma.Abstractions"), contractVersion, default, default, default, default);
        metadata.AddTypeReference(contract, metadata.GetOrAddString("Cma"), metadata.GetOrAddString("ICmaAllocatorProvider"));
        metadata.AddTypeDefinition(default, default, metadata.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), new MetadataRootBuilder(metadata), new BlobBuilder());
        var image = new BlobBuilder();
        pe.Serialize(image);
        string path = PluginPath(dir, name);
        using FileStream file = File.Create(path);
        image.WriteContentTo(file);
        return path;
    }

    /// <summary>Writes <c>&lt;dir&gt;/&lt;name&gt;/&lt;name&gt;.dll</c> holding a public provider whose constructor throws.</summary>
    public static string WriteThrowingConstructorProvider(string dir, string name)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        ModuleBuilder module = assembly.DefineDynamicModule(name);
        TypeBuilder type = module.DefineType("Acme.ThrowingProvider", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
            typeof(object), [typeof(ICmaAllocatorProvider)]);
        ConstructorBuilder ctor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        ThrowInvalidOperation(ctor.GetILGenerator(), "the provider cannot start on purpose");
        foreach (MethodInfo method in typeof(ICmaAllocatorProvider).GetMethods())
        {
            MethodBuilder body = type.DefineMethod(method.Name,
                MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.HideBySig | MethodAttributes.NewSlot,
                method.ReturnType, [.. method.GetParameters().Select(p => p.ParameterType)]);
            ThrowInvalidOperation(body.GetILGenerator(), "never called");
            type.DefineMethodOverride(body, method);
        }
        type.CreateType();
        string path = PluginPath(dir, name);
        assembly.Save(path);
        return path;
    }

    /// <summary>The hostile test plugin's DLL, as the test project's build copied it.</summary>
    public static string HostilePluginPath =>
        Path.Combine(AppContext.BaseDirectory, "test-plugins", "Cma.TestPlugins.Hostile", "Cma.TestPlugins.Hostile.dll");

    /// <summary>Copies the faulty test plugin's folder into <paramref name="dir"/>; returns the copied DLL.</summary>
    public static string CopyFaultyPlugin(string dir) => CopyPlugin(Api.TestHost.FaultyPluginPath, dir);

    /// <summary>Copies the folder of the plugin <paramref name="dll"/> into <paramref name="dir"/> (as
    /// <c>&lt;dir&gt;/&lt;Name&gt;/</c>); returns the copied DLL.</summary>
    public static string CopyPlugin(string dll, string dir)
    {
        string source = Path.GetDirectoryName(dll)!;
        string target = Path.Combine(dir, Path.GetFileName(source));
        CopyFiles(source, target);
        return Path.Combine(target, Path.GetFileName(dll));
    }

    /// <summary>Copies the files (not the sub-folders) of <paramref name="source"/> into <paramref name="target"/>.</summary>
    public static void CopyFiles(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    /// <summary>Writes <c>&lt;dir&gt;/&lt;name&gt;/&lt;name&gt;.dll</c> holding a public provider named
    /// <paramref name="providerName"/> whose Create throws.</summary>
    public static string WriteNamedProvider(string dir, string name, string providerName)
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        ModuleBuilder module = assembly.DefineDynamicModule(name);
        TypeBuilder type = module.DefineType("Acme.NamedProvider", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class,
            typeof(object), [typeof(ICmaAllocatorProvider)]);
        type.DefineDefaultConstructor(MethodAttributes.Public);
        foreach (MethodInfo method in typeof(ICmaAllocatorProvider).GetMethods())
        {
            MethodBuilder body = type.DefineMethod(method.Name,
                MethodAttributes.Public | MethodAttributes.Virtual | MethodAttributes.Final | MethodAttributes.HideBySig | MethodAttributes.NewSlot | MethodAttributes.SpecialName,
                method.ReturnType, [.. method.GetParameters().Select(p => p.ParameterType)]);
            ILGenerator il = body.GetILGenerator();
            if (method.Name == "get_" + nameof(ICmaAllocatorProvider.Name))
            {
                il.Emit(OpCodes.Ldstr, providerName);
                il.Emit(OpCodes.Ret);
            }
            else if (method.Name == "get_" + nameof(ICmaAllocatorProvider.Description))
            {
                il.Emit(OpCodes.Ldstr, "a provider written by a test");
                il.Emit(OpCodes.Ret);
            }
            else
            {
                ThrowInvalidOperation(il, "never called");
            }
            type.DefineMethodOverride(body, method);
        }
        type.CreateType();
        string path = PluginPath(dir, name);
        assembly.Save(path);
        return path;
    }

    private static void ThrowInvalidOperation(ILGenerator il, string message)
    {
        il.Emit(OpCodes.Ldstr, message);
        il.Emit(OpCodes.Newobj, typeof(InvalidOperationException).GetConstructor([typeof(string)])!);
        il.Emit(OpCodes.Throw);
    }

    private static string PluginPath(string dir, string name)
    {
        string folder = Path.Combine(dir, name);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".dll");
    }
}
