"""What happens to a grant file, announced to the apps above funding (training proposes a provider): funding imports
none of them. Sent inside the transaction of the change, so a receiver's failure rolls it back."""

from django.dispatch import Signal

# The structure transmitted its grant file to the Banque des Territoires. Arguments: grant_file, by.
grant_file_transmitted = Signal()

# ANCT validated a contract's termination: the contract has ended. Arguments: contract, day (its last day), by.
contract_terminated = Signal()
