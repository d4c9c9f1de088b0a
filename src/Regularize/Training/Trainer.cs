using System.Diagnostics;
using Regularize.Autograd;
using Regularize.Data;
using Regularize.Nn;
using Regularize.Optimizers;
using Regularize.Regularization;
using Regularize.Schedules;
using Regularize.Serialization;
using Regularize.Tensors;

namespace Regularize.Training;

/// <summary>
/// A fit loop: epochs of mini-batches, an evaluation on a test set after each epoch, and per-epoch
/// <see cref="EpochMetrics"/>. <see cref="Callbacks"/> see every point of a step and can stop training; events report
/// progress.
/// </summary>
/// <remarks>
/// <para>One step, inside its own <see cref="TensorScope"/> so every intermediate tensor is recycled (the callback
/// points are in brackets; see <see cref="TrainerCallback"/>):</para>
/// <code>
/// [OnBatchStart]
/// output = model(x)            (training mode)
/// loss   = lossFunction(output, y)     (labels, or the batch's float targets: see TargetLoss)
/// [OnLossComputed]
/// zero the gradients; loss.Backward()
/// [OnAfterBackward]
/// optimizer.Step()             (uses group values of step t)
/// scheduler.Step() for each    (writes the values of step t + 1)
/// [OnStepEnd]
/// </code>
/// <para>Evaluation runs under <see cref="GradMode.NoGrad"/> with the model in evaluation mode, in batches of
/// <see cref="EvaluationBatchSize"/> in index order; the model is back in training mode afterwards.</para>
/// <para><b>Determinism.</b> The loop adds no randomness of its own: with the same initial weights and the same
/// loader seed a run gives the same numbers (times aside), whatever thread runs it.</para>
/// <para><b>Checkpoints.</b> <see cref="SaveCheckpoint"/> and <see cref="LoadCheckpoint"/> save and restore the
/// model, the optimizer, the schedulers, the data loader, the state of every callback that has one
/// (<see cref="TrainerCallback.ExportState"/>) and the trainer's epoch and step counters, so that a run interrupted
/// after an epoch and resumed in a new process gives the same bits as one that never stopped:</para>
/// <code>
/// trainer.EpochEnded += (_, e) => trainer.SaveCheckpoint("run.ckpt", loader);
/// if (File.Exists("run.ckpt")) trainer.LoadCheckpoint("run.ckpt", loader);
/// trainer.Fit(loader, test, epochs - trainer.EpochCount);     // epochs are numbered on from the checkpoint
/// </code>
/// <para><b>Evaluation weights.</b> With an optimizer that trains other weights than it evaluates
/// (<see cref="IEvaluationWeights"/>: <see cref="ScheduleFreeAdamW"/> trains at y and evaluates at x), the trainer puts
/// the evaluation weights in the model when an epoch's training batches are over, before
/// <see cref="TrainerCallback.OnEvaluating"/>, whether or not there is a test set, and the training weights back before
/// the next batch (before <see cref="TrainerCallback.OnBatchStart"/>). So the evaluation, the epoch's metrics
/// (weight norms included), <see cref="TrainerCallback.OnEvaluated"/>, <see cref="TrainerCallback.OnEpochEnd"/> (early
/// stopping's best weights, checkpoints), <see cref="EpochEnded"/> handlers and the model left after <see cref="Fit"/>
/// all see the evaluation weights, and every step sees the training weights; the switch back is exact, so evaluating
/// does not change training. <see cref="Evaluate"/> called between batches switches too. When the trainer puts the
/// evaluation weights in place during <see cref="Fit"/>, it measures the running statistics of every BatchNorm layer
/// again at those weights (<see cref="BatchNormStatistics.Update"/> over the training set, in index order, with the
/// loader's batch size; the Dropout generators are put back afterwards, so the pass changes no later mask), as the
/// Schedule-Free paper advises; training goes on from those statistics (training mode normalises with the batch's).
/// A checkpoint (<see cref="SaveCheckpoint"/>) is the training point: it holds the training weights whichever are in
/// place (and the buffers as they are: the statistics measured at x), and <see cref="LoadCheckpoint"/> leaves the
/// training weights in the model; <see cref="UseEvaluationWeights"/> or <see cref="Evaluate"/> puts x back. To deploy,
/// save the model (<see cref="Serialization.ModelWeights"/>) after <see cref="Fit"/> or from <see cref="EpochEnded"/>.</para>
/// <para><b>Divergence.</b> When a batch's loss is not finite, or the optimizer refuses a non-finite gradient
/// (<see cref="NonFiniteGradientException"/>), the step is skipped, the epoch is ended and evaluated, its metrics are
/// marked <see cref="EpochMetrics.Diverged"/>, and <see cref="Fit"/> returns.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly Func<Tensor, Tensor> _forward;
    private readonly Action<bool> _setTraining;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly IReadOnlyList<ParameterGroup> _groups;
    private readonly Action _step;
    private readonly Action _zeroGrad;
    private readonly Scheduler[] _schedulers;
    private readonly LossFunction _loss;
    private readonly Module? _model;
    private readonly Optimizer? _optimizer;
    private readonly IEvaluationWeights? _evaluationWeights;
    private DataLoader? _evaluationLoader;
    private int _evaluationBatchSize = 1000;
    private bool _stopRequested;

    /// <summary>Creates a trainer for <paramref name="model"/>, stepped by <paramref name="optimizer"/>.</summary>
    /// <param name="model">The model; its forward pass maps a batch of inputs to logits <c>[N, C]</c>.</param>
    /// <param name="optimizer">The optimizer over (some of) the model's parameters.</param>
    /// <param name="schedulers">Schedulers to step after every optimizer step, in order; none by default.</param>
    /// <param name="loss">The loss; <see cref="Losses.CrossEntropy(Tensor, int[], Reduction, double, Tensor?, int)"/> of the logits by default.</param>
    /// <exception cref="ArgumentException">A scheduler is null.</exception>
    public Trainer(Module model, Optimizer optimizer, IEnumerable<Scheduler>? schedulers = null, LossFunction? loss = null)
        : this((model ?? throw new ArgumentNullException(nameof(model))).Forward, training => model.Train(training),
            model.Parameters().ToList(), (optimizer ?? throw new ArgumentNullException(nameof(optimizer))).ParameterGroups,
            optimizer.Step, () => optimizer.ZeroGrad(), schedulers, loss)
    {
        _model = model;
        _optimizer = optimizer;
        _evaluationWeights = optimizer as IEvaluationWeights;
    }

    internal Trainer(Func<Tensor, Tensor> forward, Action<bool> setTraining, IReadOnlyList<Parameter> parameters,
        IReadOnlyList<ParameterGroup> groups, Action step, Action zeroGrad, IEnumerable<Scheduler>? schedulers, LossFunction? loss)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(setTraining);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(zeroGrad);
        if (groups.Count == 0) throw new ArgumentException("The optimizer has no parameter groups.", nameof(groups));
        _forward = forward;
        _setTraining = setTraining;
        _parameters = parameters;
        _groups = groups;
        _step = step;
        _zeroGrad = zeroGrad;
        _schedulers = schedulers?.ToArray() ?? [];
        for (int i = 0; i < _schedulers.Length; i++)
        {
            if (_schedulers[i] is null) throw new ArgumentException($"schedulers[{i}] is null.", nameof(schedulers));
        }
        _loss = loss ?? CrossEntropy;
    }

    /// <summary>The callbacks that take part in <see cref="Fit"/>, run in list order at every point; add to it before Fit.</summary>
    public IList<TrainerCallback> Callbacks { get; } = new List<TrainerCallback>();

    /// <summary>
    /// The loss of batches with float targets (<see cref="Batch.Targets"/>, for example from <see cref="Mixup"/> or a
    /// <see cref="TargetDataset"/>); null (the default) for the target kind's own: cross-entropy against probabilities,
    /// mean squared error for regression, binary cross-entropy with logits for multi-label.
    /// </summary>
    public TargetLossFunction? TargetLoss { get; init; }

    /// <summary>The model, or null for a trainer built from functions.</summary>
    public Module? Model => _model;

    /// <summary>The optimizer, or null for a trainer built from functions.</summary>
    public Optimizer? Optimizer => _optimizer;

    /// <summary>The parameters the trainer measures (and the averaging callbacks copy): all of the model's.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The parameter groups of the optimizer.</summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups => _groups;

    /// <summary>The training loader of the running <see cref="Fit"/>, or null between fits.</summary>
    public DataLoader? TrainLoader { get; private set; }

    /// <summary>True after <see cref="Stop"/> during the running <see cref="Fit"/>.</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>
    /// Asks the running <see cref="Fit"/> to stop: it finishes the current batch, ends the epoch (evaluation and
    /// callbacks included) and returns. A later Fit starts afresh.
    /// </summary>
    public void Stop() => _stopRequested = true;

    /// <summary>Switches the model between training (true) and evaluation mode, as the loop does.</summary>
    /// <param name="training">True for training mode.</param>
    public void SetTraining(bool training) => _setTraining(training);

    /// <summary>Raised before the first batch of each epoch.</summary>
    public event EventHandler<EpochStartedEventArgs>? EpochStarted;

    /// <summary>Raised after each training batch (after its optimizer step, when it takes one).</summary>
    public event EventHandler<BatchEndedEventArgs>? BatchEnded;

    /// <summary>Raised after each epoch's evaluation, with its metrics.</summary>
    public event EventHandler<EpochEndedEventArgs>? EpochEnded;

    /// <summary>
    /// Which parameters count as decayed for <see cref="EpochMetrics.DecayedWeightNorm"/>; by default
    /// <see cref="DecayMask.IsDecayedByDefault"/> (weight matrices, not biases or normalisation parameters).
    /// </summary>
    public Func<Parameter, bool> IsDecayed { get; init; } = DecayMask.IsDecayedByDefault;

    /// <summary>The batch size of evaluations; positive, 1000 by default. It does not change the results.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int EvaluationBatchSize
    {
        get => _evaluationBatchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _evaluationBatchSize = value;
            _evaluationLoader = null;
        }
    }

    /// <summary>Optimizer steps taken so far, counting those before the checkpoint a run resumed from.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// Epochs finished so far, counting those before the checkpoint a run resumed from. The next
    /// <see cref="Fit"/> numbers its first epoch <c>EpochCount + 1</c>.
    /// </summary>
    public int EpochCount { get; private set; }

    /// <summary>The epoch and step counters, as a checkpoint records them.</summary>
    public TrainingProgress Progress => new(EpochCount, StepCount);

    /// <summary>
    /// Saves a training checkpoint (<see cref="TrainingCheckpoint.Save"/>) of the model, the optimizer, the
    /// schedulers, <paramref name="loader"/>, <see cref="Progress"/> and the state of every callback that has one
    /// (<see cref="TrainerCallback.ExportState"/>, stored under its <see cref="TrainerCallback.CheckpointKey"/>),
    /// atomically. Call it between steps, usually from <see cref="EpochEnded"/>, which runs after every callback.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="loader">The training data loader, whose position and generator are saved; null to leave it out.</param>
    /// <param name="metadata">The application's own strings to store with the checkpoint, if any.</param>
    /// <exception cref="InvalidOperationException">The trainer was not built from a <see cref="Module"/> and an
    /// <see cref="Optimizer"/>, two callbacks have the same checkpoint key, or a callback cannot be saved now
    /// (<see cref="GradientAccumulation"/> inside a group of micro-batches).</exception>
    public void SaveCheckpoint(string path, DataLoader? loader = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (model, optimizer) = CheckpointObjects();
        var data = CheckpointData.Capture(Progress, model, optimizer, _schedulers, loader, metadata: metadata);
        foreach (var (key, callback) in CallbackKeys())
        {
            var state = callback.ExportState(this);
            if (state is null) continue;
            state.Type = callback.GetType().Name;
            data.Callbacks.Add(key, state);
        }
        data.Write(path);
    }

    /// <summary>
    /// Each callback with the key its state has in a checkpoint: its <see cref="TrainerCallback.CheckpointKey"/>, or its
    /// type's name with its index among the callbacks of that type (<c>EarlyStopping[0]</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">A callback is null, or two callbacks have the same key.</exception>
    private List<(string Key, TrainerCallback Callback)> CallbackKeys()
    {
        var result = new List<(string, TrainerCallback)>();
        var ofType = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Callbacks.Count; i++)
        {
            var callback = Callbacks[i] ?? throw new InvalidOperationException($"Callbacks[{i}] is null.");
            string type = callback.GetType().Name;
            int index = ofType.GetValueOrDefault(type);
            ofType[type] = index + 1;
            string key = callback.CheckpointKey ?? $"{type}[{index}]";
            if (!keys.Add(key))
            {
                throw new InvalidOperationException($"Two callbacks have the checkpoint key '{key}' (the second is Callbacks[{i}], a {type}); give one of them another CheckpointKey.");
            }
            result.Add((key, callback));
        }
        return result;
    }

    /// <summary>Matches the checkpoint's callback states to the callbacks by key and type, and plans their restore.</summary>
    private CheckpointData.ExtraParts PlanCallbacks(CheckpointData checkpoint)
    {
        var plan = new CheckpointData.ExtraParts([], []);
        var saved = checkpoint.Callbacks ?? [];
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, callback) in CallbackKeys())
        {
            string type = callback.GetType().Name, what = $"callback {type} '{key}'";
            CallbackState? current = callback.ExportState(this);
            if (!saved.TryGetValue(key, out var state))
            {
                if (current is not null) plan.Problems.Add($"the trainer's {what} has no state in the file");
                continue;
            }
            used.Add(key);
            if (state is null) plan.Problems.Add($"the file's state of {what} is null");
            else if (state.Type != type) plan.Problems.Add($"the trainer's callback '{key}' is a {type}, but the file's state of '{key}' is a {state.Type}'s");
            else if (current is null) plan.Problems.Add($"the file holds a state for {what}, which keeps none");
            else plan.Parts.Add((what, () => callback.ImportState(this, state), () => callback.ImportState(this, current)));
        }
        foreach (string key in saved.Keys.Where(k => !used.Contains(k)).Order(StringComparer.Ordinal))
        {
            plan.Problems.Add($"the file holds the state of callback {saved[key]?.Type} '{key}', which none of the trainer's callbacks has");
        }
        return plan;
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/> into the model, the optimizer, the schedulers,
    /// <paramref name="loader"/> and the callbacks, which must be configured as the saved ones were, and sets
    /// <see cref="EpochCount"/> and <see cref="StepCount"/> to the recorded progress. Callback states are matched by
    /// key and type: a state no callback takes, a callback with state that the file lacks, or a state the callback
    /// refuses (<see cref="TrainerCallback.ImportState"/>) is a mismatch. When the file does not fit, nothing is changed.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="loader">The training data loader to restore; null to leave it.</param>
    /// <returns>What was restored, with the saved metadata.</returns>
    /// <exception cref="InvalidOperationException">The trainer was not built from a <see cref="Module"/> and an <see cref="Optimizer"/>.</exception>
    /// <exception cref="InvalidDataException">The file is damaged or not a checkpoint.</exception>
    /// <exception cref="CheckpointMismatchException">The file does not fit the objects; nothing was changed.</exception>
    public CheckpointInfo LoadCheckpoint(string path, DataLoader? loader = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckpointObjects();
        return RestoreCheckpoint(CheckpointData.Read(path), loader, path);
    }

    /// <summary>
    /// <see cref="LoadCheckpoint"/> from a checkpoint already read (<see cref="CheckpointData.Read(string, long)"/>),
    /// for callers that look at its metadata before restoring.
    /// </summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="loader">The training data loader to restore; null to leave it.</param>
    /// <param name="source">What the checkpoint came from, for messages.</param>
    /// <returns>What was restored, with the saved metadata.</returns>
    /// <exception cref="InvalidOperationException">The trainer was not built from a <see cref="Module"/> and an <see cref="Optimizer"/>.</exception>
    /// <exception cref="CheckpointMismatchException">The checkpoint does not fit the objects, or its epoch is beyond
    /// <see cref="int.MaxValue"/>; nothing was changed.</exception>
    public CheckpointInfo RestoreCheckpoint(CheckpointData checkpoint, DataLoader? loader = null, string source = "checkpoint")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(source);
        var (model, optimizer) = CheckpointObjects();
        if (checkpoint.Progress.Epoch > int.MaxValue)
        {
            throw new CheckpointMismatchException(source, [$"progress.epoch is {checkpoint.Progress.Epoch}, more than a trainer counts"]);
        }
        var info = checkpoint.RestoreWith(model, optimizer, _schedulers, loader, null, strict: true, source, PlanCallbacks(checkpoint));
        EpochCount = (int)info.Progress.Epoch;
        StepCount = info.Progress.Step;
        return info;
    }

    private (Module Model, Optimizer Optimizer) CheckpointObjects() => _model is not null && _optimizer is not null
        ? (_model, _optimizer)
        : throw new InvalidOperationException("Checkpoints need a trainer built from a Module and an Optimizer.");

    /// <summary>
    /// Trains for <paramref name="epochs"/> more passes over <paramref name="train"/>, evaluating on
    /// <paramref name="test"/> after each. Epochs are numbered on from <see cref="EpochCount"/>.
    /// </summary>
    /// <param name="train">The training batches; its seed fixes the order.</param>
    /// <param name="test">The test set, or null to skip evaluation (test figures are then NaN).</param>
    /// <param name="epochs">The number of epochs; positive.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <returns>One <see cref="EpochMetrics"/> per epoch run; fewer than <paramref name="epochs"/> if training diverged
    /// or a callback stopped it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is not positive, or so many more epochs
    /// would take <see cref="EpochCount"/> past <see cref="int.MaxValue"/>.</exception>
    /// <exception cref="ArgumentException">The loader's epoch counter or <see cref="StepCount"/> has no room left for
    /// the epochs asked for; nothing was trained.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IReadOnlyList<EpochMetrics> Fit(DataLoader train, IDataset? test, int epochs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        CheckRoom(train, epochs);
        int first = EpochCount + 1, last = EpochCount + epochs;
        var history = new List<EpochMetrics>(Math.Min(epochs, 1024));
        var total = Stopwatch.StartNew();
        var step = new TrainingStep(this, train);
        _stopRequested = false;
        TrainLoader = train;
        try
        {
            foreach (var c in Callbacks) c.OnFitStart(this, train, epochs);
            for (int i = 0; i < epochs; i++) // counts, so that last = int.MaxValue cannot wrap the loop variable
            {
                int epoch = first + i;
                var metrics = RunEpoch(train, test, epoch, last, step, total, cancellationToken);
                history.Add(metrics);
                EpochCount = epoch;
                foreach (var c in Callbacks) c.OnEpochEnd(this, metrics);
                EpochEnded?.Invoke(this, new EpochEndedEventArgs(metrics));
                if (metrics.Diverged || _stopRequested) break;
            }
            foreach (var c in Callbacks) c.OnFitEnd(this, history);
        }
        finally
        {
            TrainLoader = null;
        }
        return history;
    }

    private void CheckRoom(DataLoader train, int epochs)
    {
        if (epochs > int.MaxValue - EpochCount)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs,
                $"The trainer has finished {EpochCount} epochs; {epochs} more would take its epoch counter past {int.MaxValue}.");
        }
        if (train.Epoch > int.MaxValue - epochs)
        {
            throw new ArgumentException(
                $"The loader is at epoch {train.Epoch}; {epochs} more epochs would take its epoch counter past {int.MaxValue}.", nameof(train));
        }
        long maxSteps = (long)epochs * train.BatchesPerEpoch;
        if (StepCount > long.MaxValue - maxSteps)
        {
            throw new ArgumentException(
                $"The trainer has taken {StepCount} steps; {epochs} epochs of {train.BatchesPerEpoch} batches would take its step counter past {long.MaxValue}.", nameof(train));
        }
    }

    private EpochMetrics RunEpoch(DataLoader train, IDataset? test, int epoch, int last, TrainingStep step, Stopwatch total,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int batches = train.BatchesPerEpoch;
        EpochStarted?.Invoke(this, new EpochStartedEventArgs(epoch, last, batches));
        foreach (var c in Callbacks) c.OnEpochStart(this, epoch);
        _setTraining(true);
        double lossSum = 0, correct = 0;
        long seen = 0;
        double learningRate = _groups[0].LearningRate, weightDecay = _groups[0].WeightDecay;
        bool diverged = false;
        foreach (Batch batch in train)
        {
            cancellationToken.ThrowIfCancellationRequested();
            UseTrainingWeights();
            step.Begin(epoch, batch);
            foreach (var c in Callbacks) c.OnBatchStart(step);
            bool stepped = false;
            using (TensorScope.Begin())
            {
                Tensor output = _forward(step.Batch.Inputs);
                Tensor lossTensor = BatchScoring.Loss(output, step.Batch, _loss, TargetLoss);
                double loss = lossTensor.Item();
                step.Output = output;
                step.Loss = lossTensor;
                step.LossValue = loss;
                if (!double.IsFinite(loss))
                {
                    diverged = true;
                }
                else
                {
                    correct += BatchScoring.Correct(output, step.Batch);
                    foreach (var c in Callbacks) c.OnLossComputed(step);
                    if (step.ZeroGradients) _zeroGrad();
                    step.Loss.Backward();
                    try
                    {
                        foreach (var c in Callbacks) c.OnAfterBackward(step);
                        if (!step.SkipStep)
                        {
                            learningRate = _groups[0].LearningRate;
                            weightDecay = _groups[0].WeightDecay;
                            _step();
                            stepped = true;
                        }
                    }
                    catch (NonFiniteGradientException)
                    {
                        // The optimizer and the clipping check every gradient before they change anything.
                        diverged = true;
                    }
                }
                step.Output = null;
            }
            if (diverged)
            {
                // Finish the loader's epoch so a later Fit starts at an epoch boundary.
                while (train.TryNext(out _)) { }
                break;
            }
            if (stepped)
            {
                foreach (var s in _schedulers) s.Step();
                StepCount++; // cannot overflow: Fit checked the room for every batch of every epoch
                foreach (var c in Callbacks) c.OnStepEnd(step);
            }
            lossSum += step.LossValue * step.Batch.Count;
            seen += step.Batch.Count;
            BatchEnded?.Invoke(this, new BatchEndedEventArgs(epoch, step.BatchNumber, batches, StepCount, step.LossValue, step.Batch.Count));
            if (_stopRequested)
            {
                while (train.TryNext(out _)) { }
                break;
            }
        }

        UseEvaluationWeights();
        Evaluation evaluation = new(double.NaN, double.NaN, 0);
        if (test is not null)
        {
            foreach (var c in Callbacks) c.OnEvaluating(this);
            evaluation = Evaluate(test);
            foreach (var c in Callbacks) c.OnEvaluated(this, evaluation);
        }
        var (all, decayed) = WeightNorms();
        clock.Stop();
        return new EpochMetrics(epoch, StepCount,
            seen == 0 ? double.NaN : lossSum / seen,
            seen == 0 ? double.NaN : correct / seen,
            evaluation.Loss, evaluation.Accuracy, all, decayed, learningRate, weightDecay,
            clock.Elapsed, total.Elapsed, diverged);
    }

    /// <summary>
    /// The mean loss and the accuracy on <paramref name="data"/>, in evaluation mode without gradients; the model
    /// is left in training mode. With an <see cref="IEvaluationWeights"/> optimizer the evaluation weights are put in
    /// place first (see the remarks) and left there until the next training batch. For more metrics (top-k, per class,
    /// confusion matrix) see <see cref="Evaluator"/>.
    /// </summary>
    /// <param name="data">The examples.</param>
    public Evaluation Evaluate(IDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        UseEvaluationWeights();
        if (_evaluationLoader is null || !ReferenceEquals(_evaluationLoader.Dataset, data))
        {
            _evaluationLoader = new DataLoader(data, Math.Min(_evaluationBatchSize, data.Count), shuffle: false);
        }
        var loader = _evaluationLoader;
        double lossSum = 0, correct = 0;
        long seen = 0;
        _setTraining(false);
        try
        {
            using (GradMode.NoGrad())
            {
                foreach (Batch batch in loader)
                {
                    using (TensorScope.Begin())
                    {
                        Tensor output = _forward(batch.Inputs);
                        lossSum += (double)BatchScoring.Loss(output, batch, _loss, TargetLoss).Item() * batch.Count;
                        correct += BatchScoring.Correct(output, batch);
                        seen += batch.Count;
                    }
                }
            }
        }
        finally
        {
            _setTraining(true);
        }
        return new Evaluation(lossSum / seen, correct / seen, (int)seen);
    }

    /// <summary>True while the model holds the evaluation weights of an <see cref="IEvaluationWeights"/> optimizer; false with any other optimizer.</summary>
    public bool UsesEvaluationWeights => _evaluationWeights?.UsesEvaluationWeights ?? false;

    /// <summary>
    /// Puts the optimizer's evaluation weights in the model if they are not in place (nothing for an optimizer without
    /// <see cref="IEvaluationWeights"/>), as the loop does after every epoch; during <see cref="Fit"/> (from a callback
    /// or an event) it also measures the BatchNorm statistics again at them (see the remarks). The next training batch
    /// puts the training weights back.
    /// </summary>
    public void UseEvaluationWeights()
    {
        if (_evaluationWeights is not { UsesEvaluationWeights: false } weights) return;
        weights.UseEvaluationWeights();
        if (_model is null || TrainLoader is not { } loader) return;
        var dropouts = _model.NamedModules().Select(m => m.Module).OfType<Dropout>().ToList();
        var generators = dropouts.Select(d => d.GetRngState()).ToList();
        BatchNormStatistics.Update(_model, loader.Dataset, loader.BatchSize);
        for (int i = 0; i < dropouts.Count; i++) dropouts[i].SetRngState(generators[i]);
    }

    /// <summary>Puts the optimizer's training weights back before a step, if its evaluation weights are in place.</summary>
    private void UseTrainingWeights()
    {
        if (_evaluationWeights is { UsesEvaluationWeights: true } weights) weights.UseTrainingWeights();
    }

    /// <summary>‖θ‖₂ over all parameters and over the decayed ones (<see cref="IsDecayed"/>), summed in double precision.</summary>
    public (double All, double Decayed) WeightNorms()
    {
        double all = 0, decayed = 0;
        foreach (var p in _parameters)
        {
            double s = SumOfSquares(p.Value.Span);
            all += s;
            if (IsDecayed(p)) decayed += s;
        }
        return (Math.Sqrt(all), Math.Sqrt(decayed));
    }

    /// <summary>The default loss: <see cref="Losses.CrossEntropy(Tensor, int[], Reduction, double, Tensor?, int)"/> of logits against labels, mean over the batch.</summary>
    /// <param name="logits">Scores <c>[N, C]</c>.</param>
    /// <param name="labels">N class indices.</param>
    public static Tensor CrossEntropy(Tensor logits, int[] labels) => Losses.CrossEntropy(logits, labels);

    private static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (float v in x) s += (double)v * v;
        return s;
    }
}
