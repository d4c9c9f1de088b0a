using Regularize.Nn;
using Regularize.Tensors;

namespace Regularize.Tests.Nn;

public class ModuleTests
{
    /// <summary>A module with its own parameter, a Sequential child and a Linear child, assembled in either order.</summary>
    private sealed class Net : Module
    {
        public Net(bool childrenRegisteredBeforeTheirLayers)
        {
            Scale = RegisterParameter("scale", new Parameter(Tensor.Ones(1), "scale"));
            if (childrenRegisteredBeforeTheirLayers)
            {
                Layers = RegisterModule("layers", new Sequential());
                Layers.Append(new Linear(4, 3, seed: 1)).Append(new ReLU()).Append(new Linear(3, 2, seed: 2));
            }
            else
            {
                Layers = RegisterModule("layers", new Sequential(new Linear(4, 3, seed: 1), new ReLU(), new Linear(3, 2, seed: 2)));
            }
            Head = RegisterModule("head", new Linear(2, 2, seed: 3));
        }

        public Parameter Scale { get; }

        public Sequential Layers { get; }

        public Linear Head { get; }

        public override Tensor Forward(Tensor input) => Head.Forward(Layers.Forward(input)) * Scale.Value;

        public void Register(string name) => RegisterParameter(name, new Parameter(Tensor.Zeros(1), "x"));

        public void RegisterChild(string name, Module m) => RegisterModule(name, m);
    }

    private static readonly string[] NetNames =
        ["scale", "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "head.weight", "head.bias"];

    [TestCase(true)]
    [TestCase(false)]
    public void Parameters_are_named_by_their_full_path_whatever_the_assembly_order(bool registerFirst)
    {
        var net = new Net(registerFirst);
        Assert.That(net.NamedParameters().Select(np => np.Name), Is.EqualTo(NetNames));
        Assert.That(net.Parameters().Select(p => p.Name), Is.EqualTo(NetNames), "Parameter.Name holds the full path");
        Assert.That(net.Layers[2].Path, Is.EqualTo("layers.2"));
        Assert.That(net.ParameterCount, Is.EqualTo(1 + 4 * 3 + 3 + 3 * 2 + 2 + 2 * 2 + 2));
    }

    [Test]
    public void A_subtree_registered_later_is_renamed_below_its_new_parent()
    {
        var seq = new Sequential(new Linear(2, 2), new Sequential(new Linear(2, 2)));
        Assert.That(seq.Parameters().Select(p => p.Name), Is.EqualTo(new[] { "0.weight", "0.bias", "1.0.weight", "1.0.bias" }));
        var outer = new Sequential(new ReLU(), seq);
        Assert.That(seq.Parameters().Select(p => p.Name), Is.EqualTo(new[] { "1.0.weight", "1.0.bias", "1.1.0.weight", "1.1.0.bias" }));
        Assert.That(seq.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "0.weight", "0.bias", "1.0.weight", "1.0.bias" }),
            "NamedParameters() is relative to the module it is called on");
        Assert.That(outer.NamedModules().Select(m => m.Name), Is.EqualTo(new[] { "", "0", "1", "1.0", "1.1", "1.1.0" }));
    }

    [Test]
    public void Children_and_modules_come_in_registration_order()
    {
        var net = new Net(false);
        Assert.That(net.NamedChildren().Select(c => c.Name), Is.EqualTo(new[] { "layers", "head" }));
        Assert.That(net.Children().ToArray(), Is.EqualTo(new Module[] { net.Layers, net.Head }));
        Assert.That(net.NamedModules().Select(m => m.Name), Is.EqualTo(new[] { "", "layers", "layers.0", "layers.1", "layers.2", "head" }));
        Assert.That(net.Head.Parent, Is.SameAs(net));
        Assert.That(net.Path, Is.EqualTo(""));
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("a.b")]
    [TestCase("scale")]
    [TestCase("layers")]
    public void Invalid_or_duplicate_names_are_rejected(string name)
    {
        var net = new Net(false);
        var ex = Assert.Throws<ArgumentException>(() => net.Register(name));
        Assert.That(ex!.Message, Does.Contain(name.Trim().Length == 0 ? "empty" : name.Contains('.') ? "dot" : "already registered"));
    }

    [Test]
    public void A_module_cannot_have_two_parents_or_contain_itself()
    {
        var net = new Net(false);
        var ex = Assert.Throws<ArgumentException>(() => net.RegisterChild("again", net.Head));
        Assert.That(ex!.Message, Does.Contain("already registered as 'head'"));
        Assert.Throws<ArgumentException>(() => net.RegisterChild("self", net));
        var lonely = new ReLU();
        _ = new Sequential(lonely);
        Assert.Throws<ArgumentException>(() => _ = new Sequential(lonely));
    }

    [Test]
    public void Train_and_eval_reach_every_descendant()
    {
        var net = new Net(false);
        Assert.That(net.NamedModules().All(m => m.Module.IsTraining), Is.True, "modules start in training mode");
        Assert.That(net.Eval(), Is.SameAs(net));
        Assert.That(net.NamedModules().Select(m => m.Module.IsTraining), Is.All.False);
        net.Layers.Train();
        Assert.That(net.IsTraining, Is.False);
        Assert.That(net.Layers.NamedModules().Select(m => m.Module.IsTraining), Is.All.True);
        net.Train();
        Assert.That(net.NamedModules().Select(m => m.Module.IsTraining), Is.All.True);
    }

    [Test]
    public void ZeroGrad_clears_every_gradient()
    {
        var net = new Net(false);
        var x = Tensor.RandomNormal([5, 4], seed: 3);
        net.Forward(x).Sum().Backward();
        Assert.That(net.Parameters().All(p => p.Grad is not null), Is.True);
        net.ZeroGrad();
        Assert.That(net.Parameters().All(p => p.Grad is null), Is.True);
    }

    [Test]
    public void Buffers_are_named_like_parameters()
    {
        var model = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
        Assert.That(model.NamedBuffers().Select(b => b.Name),
            Is.EqualTo(new[] { "1.running_mean", "1.running_var", "1.num_batches_tracked" }));
        Assert.That(model.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "0.weight", "0.bias", "1.weight", "1.bias" }));
    }

    [Test]
    public void A_shared_parameter_is_listed_once()
    {
        var shared = new Parameter(Tensor.Ones(2), "w");
        var penalty = Penalties.L2([shared, shared], 2.0);
        Assert.That(penalty.Item(), Is.EqualTo(2f), "(2/2)·(1 + 1), counted once");
    }

    [Test]
    public void ToString_draws_the_tree()
    {
        var net = new Net(false);
        Assert.That(net.ToString(), Is.EqualTo(
            "Net\n  layers: Sequential (3 layers)\n    0: Linear 4->3\n    1: ReLU\n    2: Linear 3->2\n  head: Linear 2->2"));
    }
}
