using Regularize.Tensors;

namespace Regularize.Nn;

/// <summary>
/// A building block of a network: it owns <see cref="Parameter"/>s, buffers (non-trained state such as
/// running statistics) and child modules, each registered under a local name, and maps an input tensor
/// to an output tensor in <see cref="Forward"/>.
/// </summary>
/// <remarks>
/// <para>
/// Names are hierarchical and follow PyTorch: a parameter <c>weight</c> of the child <c>1</c> of a child
/// <c>layers</c> is <c>layers.1.weight</c>. The full name is computed when something is registered: when a
/// parent registers a child, the child and everything below it are renamed under the parent's path, so the
/// order in which a tree is assembled does not matter. <see cref="Parameter.Name"/> always holds the full
/// dotted path of the place where the parameter was last registered.
/// </para>
/// <para>
/// A module can have at most one parent: registering a module that already belongs to another tree throws,
/// since its parameters could not then have one name each.
/// </para>
/// </remarks>
public abstract class Module
{
    private readonly List<(string Name, Parameter Parameter)> _parameters = [];
    private readonly List<(string Name, Tensor Buffer)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];
    private readonly HashSet<string> _localNames = [];

    /// <summary>The full dotted path of this module in its tree; empty for a root.</summary>
    public string Path { get; private set; } = "";

    /// <summary>The module that registered this one as a child, or null for a root.</summary>
    public Module? Parent { get; private set; }

    /// <summary>True in training mode (the default), false in evaluation mode; see <see cref="Train"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Computes the module's output for <paramref name="input"/>, recording on the autograd graph.</summary>
    /// <param name="input">The input; each layer documents the shape it accepts.</param>
    /// <exception cref="ArgumentException">The input's shape does not fit the module; the message names the module's path and type and both shapes.</exception>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Registers <paramref name="parameter"/> under <paramref name="name"/> and sets its <see cref="Parameter.Name"/> to the full path.</summary>
    /// <param name="name">The local name: non-empty, without dots, unique within this module.</param>
    /// <param name="parameter">The parameter.</param>
    /// <returns>The parameter, so a constructor can write <c>Weight = RegisterParameter("weight", ...)</c>.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is already used in this module.</exception>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ClaimName(name);
        _parameters.Add((name, parameter));
        parameter.Name = Join(Path, name);
        return parameter;
    }

    /// <summary>
    /// Registers a buffer: state that belongs to the module and is saved with it but is not trained
    /// (for example BatchNorm's running mean). Buffers never require gradients.
    /// </summary>
    /// <param name="name">The local name: non-empty, without dots, unique within this module.</param>
    /// <param name="buffer">The tensor; the module updates it in place.</param>
    /// <returns>The buffer.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains a dot, or is already used in this module.</exception>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ClaimName(name);
        _buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers <paramref name="module"/> as a child named <paramref name="name"/> and renames it and everything below it under this module's path.</summary>
    /// <typeparam name="T">The child's type, returned as is.</typeparam>
    /// <param name="name">The local name: non-empty, without dots, unique within this module.</param>
    /// <param name="module">The child; it must not already belong to a tree, and must not be this module or one of its ancestors.</param>
    /// <returns>The child.</returns>
    /// <exception cref="ArgumentException">The name is invalid or taken, or the module already has a parent or would create a cycle.</exception>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module.Parent is not null)
        {
            throw new ArgumentException(
                $"{Describe()}: cannot register child '{name}': the {module.GetType().Name} is already registered as '{module.Path}'. A module can have only one parent.",
                nameof(module));
        }
        for (Module? m = this; m is not null; m = m.Parent)
        {
            if (ReferenceEquals(m, module))
            {
                throw new ArgumentException($"{Describe()}: cannot register child '{name}': it is this module or one of its ancestors.", nameof(module));
            }
        }
        ClaimName(name);
        _children.Add((name, module));
        module.Parent = this;
        module.Rename(Join(Path, name));
        return module;
    }

    private void ClaimName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{Describe()}: a registered name must not be empty.", nameof(name));
        }
        if (name.Contains('.'))
        {
            throw new ArgumentException($"{Describe()}: registered name '{name}' contains a dot; dots separate the levels of a path.", nameof(name));
        }
        if (!_localNames.Add(name))
        {
            throw new ArgumentException($"{Describe()}: the name '{name}' is already registered in this module.", nameof(name));
        }
    }

    private void Rename(string path)
    {
        Path = path;
        foreach (var (name, p) in _parameters) p.Name = Join(path, name);
        foreach (var (name, child) in _children) child.Rename(Join(path, name));
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>
    /// Every parameter of this module and its descendants with its name relative to this module, depth-first in
    /// registration order (a module's own parameters before its children's). A parameter registered in several
    /// places is listed once, at its first place.
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, p) in module._parameters)
            {
                if (seen.Add(p)) yield return (Join(prefix, name), p);
            }
        }
    }

    /// <summary>Every parameter of this module and its descendants, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Parameter> Parameters()
    {
        // The walk of NamedModules and NamedParameters without building the names (a training loop calls this every step).
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Module>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var module = stack.Pop();
            foreach (var (_, p) in module._parameters)
            {
                if (seen.Add(p)) yield return p;
            }
            for (int i = module._children.Count - 1; i >= 0; i--) stack.Push(module._children[i].Module);
        }
    }

    /// <summary>Every buffer of this module and its descendants with its name relative to this module, depth-first in registration order.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (prefix, module) in NamedModules())
        {
            foreach (var (name, b) in module._buffers) yield return (Join(prefix, name), b);
        }
    }

    /// <summary>This module (with the empty name) and all its descendants with their names relative to this module, depth-first (pre-order) in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, module) = stack.Pop();
            yield return (prefix, module);
            for (int i = module._children.Count - 1; i >= 0; i--)
            {
                var (name, child) = module._children[i];
                stack.Push((Join(prefix, name), child));
            }
        }
    }

    /// <summary>The direct children with their local names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.AsReadOnly();

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<Module> Children() => _children.Select(c => c.Module);

    /// <summary>The total number of trainable scalars: the sum of <see cref="Parameter.Length"/> over <see cref="Parameters"/>.</summary>
    public long ParameterCount => Parameters().Sum(p => (long)p.Length);

    /// <summary>Sets training mode (<paramref name="training"/> true) or evaluation mode on this module and all its descendants.</summary>
    /// <param name="training">True for training mode, false for evaluation mode.</param>
    /// <returns>This module.</returns>
    public Module Train(bool training = true)
    {
        foreach (var (_, m) in NamedModules()) m.IsTraining = training;
        return this;
    }

    /// <summary>Sets evaluation mode on this module and all its descendants (Dropout becomes the identity, BatchNorm uses running statistics).</summary>
    /// <returns>This module.</returns>
    public Module Eval() => Train(false);

    /// <summary>Clears the gradient of every parameter (sets it to null), so the next backward pass starts from zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>A short description of the module's type and configuration, e.g. <c>Linear 256-&gt;10</c>.</summary>
    protected virtual string Signature => GetType().Name;

    /// <summary><see cref="Signature"/>, for summaries.</summary>
    internal string SignatureText => Signature;

    /// <summary>The module's path and signature, as error messages print it: <c>layers.1 (Linear 256-&gt;10)</c>, or just <c>Linear 256-&gt;10</c> for a root.</summary>
    public string Describe() => Path.Length == 0 ? Signature : $"{Path} ({Signature})";

    /// <summary>An exception for an input that does not fit: the message names this module's path and type, the input shape and what was expected.</summary>
    /// <param name="input">The offending input.</param>
    /// <param name="problem">What is wrong, phrased after "input [..] ", e.g. "has 128 features, expected 256".</param>
    protected ArgumentException InputError(Tensor input, string problem) =>
        new($"{Describe()}: input {input.Shape} {problem}", nameof(input));

    /// <summary>Describes the module tree, one module per line, indented by depth.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var (name, m) in NamedModules())
        {
            int depth = name.Length == 0 ? 0 : name.Count(c => c == '.') + 1;
            sb.Append(' ', 2 * depth);
            if (depth > 0) sb.Append(name[(name.LastIndexOf('.') + 1)..]).Append(": ");
            sb.Append(m.Signature).Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }
}
