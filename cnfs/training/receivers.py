"""How training reacts to funding and recruitment (their signals; neither imports training): a grant file
transmitted proposes a training provider for the hire (the provider contacts the structure and the person in
parallel with the conformity review); a hire request that ends without a hire cancels the training; a contract terminated stops a training not
completed. Sent inside the
sender's transaction: a failure here rolls it back. Connected in TrainingConfig.ready."""

from django.dispatch import receiver

from cnfs.funding.signals import contract_terminated, grant_file_transmitted
from cnfs.recruitment.signals import hire_request_ended

from . import services


@receiver(grant_file_transmitted, dispatch_uid="training.assign_provider")
def on_grant_file_transmitted(sender, grant_file, by=None, **kwargs):
    services.assign(grant_file.match, by=by)


@receiver(hire_request_ended, dispatch_uid="training.cancel")
def on_hire_request_ended(sender, match, by=None, **kwargs):
    services.cancel_for(match, by=by)


@receiver(contract_terminated, dispatch_uid="training.contract_ended")
def on_contract_terminated(sender, contract, day, by=None, **kwargs):
    services.end_with_contract(contract.match, day=day, by=by)
