using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using Regularize.Tensors;

namespace Regularize.Tests.Architecture;

/// <summary>
/// Guards the one-way layering of the core package (docs/architecture.md): a namespace may use its own layer and
/// the layers below it, never one above. Two views: the compiled assembly (signatures and every member a method
/// body touches, read from its IL) and the source files (<c>using</c> lines, fully-qualified names, crefs).
/// </summary>
[TestFixture]
public class LayeringTests
{
    /// <summary>Namespace → layer. A higher number may use a lower one; equal numbers only within one namespace group.</summary>
    private static readonly (string Namespace, int Layer)[] Layers =
    [
        ("Regularize.IO", 0),
        ("Regularize.Tensors.Kernels", 0),
        ("Regularize.Tensors", 1),
        ("Regularize.Autograd", 2),
        ("Regularize.Nn", 3),
        ("Regularize.Data", 3),
        ("Regularize.Regularization", 4),
        ("Regularize.Optimizers", 5), // and Regularize.Optimizers.Kernels, its own inner loop: one group
        ("Regularize.Schedules", 6),
        ("Regularize.Serialization", 7),
        ("Regularize.Training", 8),
    ];

    /// <summary>The layer entry a namespace belongs to (longest matching prefix), or null when it has none.</summary>
    private static (string Namespace, int Layer)? LayerOf(string? ns)
    {
        if (ns is null) return null;
        (string, int)? best = null;
        foreach (var entry in Layers)
        {
            if ((ns == entry.Namespace || ns.StartsWith(entry.Namespace + ".", StringComparison.Ordinal))
                && (best is null || entry.Namespace.Length > best.Value.Item1.Length))
            {
                best = entry;
            }
        }
        return best;
    }

    /// <summary>True when code in <paramref name="from"/> may use <paramref name="to"/>.</summary>
    private static bool Allowed(string from, string to)
    {
        var a = LayerOf(from);
        var b = LayerOf(to);
        if (a is null || b is null) return true; // checked separately: every namespace has a layer
        if (a.Value.Namespace == b.Value.Namespace) return true;
        return b.Value.Layer < a.Value.Layer;
    }

    private static readonly Assembly Core = typeof(Tensor).Assembly;

    [Test]
    public void EveryNamespaceOfTheCoreHasALayer()
    {
        var missing = Core.GetTypes()
            .Select(t => t.Namespace)
            .Where(ns => ns is not null && ns.StartsWith("Regularize", StringComparison.Ordinal) && LayerOf(ns) is null)
            .Distinct()
            .ToList();
        Assert.That(missing, Is.Empty, "namespaces with no layer in LayeringTests.Layers and docs/architecture.md");
    }

    [Test]
    public void CompiledTypesReferenceOnlyTheirOwnOrLowerLayers()
    {
        var offences = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Core.GetTypes())
        {
            var ns = type.Namespace;
            if (ns is null || LayerOf(ns) is null) continue;
            foreach (var (what, used) in References(type))
            {
                var target = used.Namespace;
                if (target is not null && !Allowed(ns, target))
                {
                    offences.Add($"{type.FullName} ({ns}) → {used.FullName} ({target}) via {what}");
                }
            }
        }
        Assert.That(offences, Is.Empty, "a lower layer references a higher one:\n" + string.Join("\n", offences));
    }

    [Test]
    public void SourceFilesImportOnlyTheirOwnOrLowerLayers()
    {
        var src = Path.Combine(RepositoryRoot(), "src", "Regularize");
        var nsLine = new Regex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline);
        var usingLine = new Regex(@"^\s*using\s+(?:static\s+)?(?:\w+\s*=\s*)?(Regularize(?:\.\w+)+)", RegexOptions.Multiline);
        var qualified = new Regex(@"(?<![\w.])(Regularize(?:\.[A-Z]\w*)+)\.[A-Z]");
        var offences = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")) continue;
            var text = File.ReadAllText(file);
            var m = nsLine.Match(text);
            if (!m.Success) continue;
            var ns = m.Groups[1].Value;
            var body = nsLine.Replace(text, "");
            var used = usingLine.Matches(body).Select(x => (Kind: "using", Ns: x.Groups[1].Value))
                .Concat(qualified.Matches(body).Select(x => (Kind: "qualified name or cref", Ns: x.Groups[1].Value)));
            foreach (var (kind, target) in used)
            {
                if (!Allowed(ns, target))
                {
                    offences.Add($"{Path.GetRelativePath(src, file)} ({ns}) → {target} via {kind}");
                }
            }
        }
        Assert.That(offences, Is.Empty, "a lower layer references a higher one:\n" + string.Join("\n", offences));
    }

    [Test]
    public void TheCheckSeesABodyOnlyReference()
    {
        // The IL view must find a type used only inside a method body, or the guard would be blind to it.
        var found = References(typeof(LayeringTests)).Select(r => r.Type).ToList();
        Assert.That(found, Does.Contain(typeof(Regex)));
        Assert.That(Allowed("Regularize.Tensors", "Regularize.Autograd"), Is.False);
        Assert.That(Allowed("Regularize.Autograd", "Regularize.Tensors"), Is.True);
        Assert.That(Allowed("Regularize.Tensors.Kernels", "Regularize.Tensors"), Is.False);
        Assert.That(Allowed("Regularize.Regularization", "Regularize.Optimizers"), Is.False);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Regularize.sln"))) dir = dir.Parent;
        if (dir is null) Assert.Ignore("source tree not found above the test directory");
        return dir!.FullName;
    }

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
        | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every type <paramref name="type"/> names: base, interfaces, members' signatures, and what its method bodies touch.</summary>
    private static IEnumerable<(string What, Type Type)> References(Type type)
    {
        var found = new List<(string, Type)>();
        var seen = new HashSet<Type>();
        void Add(string what, Type? t)
        {
            if (t is null || !seen.Add(t)) return;
            if (t.HasElementType)
            {
                Add(what, t.GetElementType());
                return;
            }
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (var arg in t.GetGenericArguments()) Add(what, arg);
                t = t.GetGenericTypeDefinition();
                if (!seen.Add(t)) return;
            }
            if (t.IsGenericParameter)
            {
                foreach (var c in t.GetGenericParameterConstraints()) Add(what, c);
                return;
            }
            found.Add((what, t));
        }

        Add("base type", type.BaseType);
        foreach (var i in type.GetInterfaces()) Add("interface", i);
        if (type.IsGenericTypeDefinition)
        {
            foreach (var p in type.GetGenericArguments()) Add("type parameter constraint", p);
        }
        foreach (var f in type.GetFields(All)) Add($"field {f.Name}", f.FieldType);
        foreach (var p in type.GetProperties(All)) Add($"property {p.Name}", p.PropertyType);
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo mi)
            {
                Add($"{method.Name} return", mi.ReturnType);
                if (mi.IsGenericMethodDefinition)
                {
                    foreach (var p in mi.GetGenericArguments()) Add($"{method.Name} constraint", p);
                }
            }
            foreach (var p in method.GetParameters()) Add($"{method.Name} parameter {p.Name}", p.ParameterType);
            var body = method.GetMethodBody();
            if (body is null) continue;
            foreach (var local in body.LocalVariables) Add($"{method.Name} local", local.LocalType);
            foreach (var used in BodyReferences(method, body)) Add($"{method.Name} body", used);
        }
        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Types named by the metadata tokens of a method body's IL (calls, fields, casts, allocations).</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method, MethodBody body)
    {
        var il = body.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos] == 0xFE ? (short)(0xFE00 | il[pos + 1]) : il[pos];
            pos += il[pos] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar: pos += 1; break;
                case OperandType.InlineVar: pos += 2; break;
                case OperandType.InlineI8:
                case OperandType.InlineR: pos += 8; break;
                case OperandType.InlineSwitch:
                    int n = BitConverter.ToInt32(il, pos);
                    pos += 4 + 4 * n;
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    int token = BitConverter.ToInt32(il, pos);
                    pos += 4;
                    MemberInfo? member = null;
                    try
                    {
                        member = module.ResolveMember(token, typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                    }
                    if (member is Type t) yield return t;
                    else if (member?.DeclaringType is { } d) yield return d;
                    if (member is MethodInfo called) yield return called.ReturnType;
                    if (member is FieldInfo field) yield return field.FieldType;
                    break;
                default: pos += 4; break;
            }
        }
    }
}
