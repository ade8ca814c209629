# The three CIFAR-100 networks of the paper's Table 7, with the roles of
# 1T2S (configs change them).
_base_ = ['./cifar100_classifiers.py']

networks = dict(
    wrn16_10=dict(role='teacher', model={{_base_.wrn16_10}}),
    wrn16_2=dict(role='student', model={{_base_.wrn16_2}}),
    mobilenet=dict(role='student', model={{_base_.mobilenet}}))
