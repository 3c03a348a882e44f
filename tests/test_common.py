"""scikit-learn's common estimator checks, run over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm import LagFeaturizer, LSTMRegressor, SequenceReshaper

# Small but able to learn the checks' regression problems (R^2 > 0.5).
CHECKED_LSTM = LSTMRegressor(
    units=8, epochs=20, batch_size=16, learning_rate=0.02, random_state=0
)


# Every check passes: no expected_failed_checks are needed.
@parametrize_with_checks([LagFeaturizer(), SequenceReshaper(), CHECKED_LSTM])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
