namespace Microsoft.ML.Autoencoder
{
    /// <summary>The optimization algorithm that updates the weights after each mini-batch.</summary>
    public enum OptimizerKind
    {
        /// <summary>Adam (Kingma and Ba, 2015), with L2 weight decay added to the gradient.</summary>
        Adam = 0,

        /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter, 2019).</summary>
        AdamW = 1,

        /// <summary>Stochastic gradient descent, with optional momentum and Nesterov momentum.</summary>
        Sgd = 2,
    }
}
