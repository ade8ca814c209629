# The paper's CIFAR-10 networks (Table 4, Fig. 5): those of
# cifar100_classifiers.py with 10 classes. Configs use them as
# {{_base_.wrn16_1}}, ...
_base_ = ['./cifar100_classifiers.py']

_head = dict(head=dict(num_classes=10))
wrn16_1 = _head
wrn16_2 = _head
wrn16_4 = _head
wrn16_8 = _head
resnet20 = _head
